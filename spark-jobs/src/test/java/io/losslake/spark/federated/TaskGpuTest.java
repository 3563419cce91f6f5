package io.losslake.spark.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.losslake.federated.Nd4jDevices;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Which CUDA device a task's Spark GPU address becomes, and that nothing is selected where there is no GPU task. */
class TaskGpuTest {
    @Test
    void addressIsCudasNumberWhenNoDevicesAreHidden() {
        assertThat(TaskGpu.cudaIndex("0", null, 4)).isEqualTo(0);
        assertThat(TaskGpu.cudaIndex(" 3 ", "", 4)).isEqualTo(3);
    }

    @Test
    void addressIsRenumberedAsCudaVisibleDevicesLists() {
        // nvidia-smi (getGpusResources.sh) says 2 and 3; CUDA in a process with CUDA_VISIBLE_DEVICES=2,3 calls them 0 and 1
        assertThat(TaskGpu.cudaIndex("3", "2,3", 2)).isEqualTo(1);
        assertThat(TaskGpu.cudaIndex("1", "1,0", 2)).isEqualTo(0);
        // an address the variable does not list (a discovery script that already renumbers) is CUDA's own number
        assertThat(TaskGpu.cudaIndex("1", "GPU-6b2f4c1e,GPU-0a9d", 2)).isEqualTo(1);
    }

    @Test
    void addressThatNamesNoVisibleDeviceIsOneSentence() {
        assertThatThrownBy(() -> TaskGpu.cudaIndex("5", "2,3", 2)).isInstanceOf(IllegalStateException.class)
                .hasMessage("Spark gave this task GPU 5, but this executor's process sees 2 CUDA device(s) (CUDA_VISIBLE_DEVICES=2,3); "
                        + "check spark.executor.resource.gpu.discoveryScript and how the cluster hands GPUs to executors.");
        assertThatThrownBy(() -> TaskGpu.cudaIndex("gpu0", null, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Spark gave this task GPU 'gpu0', which is not a device number");
    }

    @Test
    void outsideASparkTaskNothingIsSelected() {
        assertThat(TaskGpu.select()).isEqualTo(-1);
    }

    @Test
    void onTheCpuBackendUsingADeviceChangesNothing() {
        Assumptions.assumeFalse(Nd4jDevices.cuda(), "a -Pgpu build");
        Nd4jDevices.use(7);
        assertThat(Nd4jDevices.current()).isZero();
        assertThat(Nd4jDevices.count()).isZero();
        assertThat(Nd4jDevices.devices()).isEmpty();
    }
}
