package io.losslake.spark.federated;

import io.losslake.federated.Nd4jDevices;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GPU Spark's resource scheduling gave the running task ({@code spark.task.resource.gpu.amount},
 * conf/spark-defaults.gpu.conf), made ND4J's device for the task's thread before it trains. Without
 * a task (the driver, embedded helper threads) or without a {@code gpu} resource (every CPU
 * cluster, embedded runs) it does nothing and does not load ND4J.
 */
public final class TaskGpu {
    /** The resource name Spark's GPU scheduling and getGpusResources.sh use. */
    static final String RESOURCE = "gpu";
    private static final Logger LOG = LoggerFactory.getLogger(TaskGpu.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private TaskGpu() {
    }

    /**
     * Moves the calling task's thread to its assigned GPU (the first, when a task holds several:
     * one network trains on one device).
     *
     * @return the CUDA device now in use, or -1 when nothing was selected (no task, no GPU
     *         assigned, or a CPU build: then the assigned GPU stays idle, logged once per JVM)
     */
    public static int select() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return -1;
        }
        ResourceInformation gpu = task.resourcesJMap().get(RESOURCE);
        if (gpu == null || gpu.addresses().length == 0) {
            return -1;
        }
        if (!Nd4jDevices.cuda()) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.warn("Spark gave this task GPU {}, but this losslake.jar has ND4J's CPU backend ({}): training runs on the CPU. "
                        + "Build the jar with -Pgpu for GPU executors.", gpu.addresses()[0], Nd4jDevices.backend());
            }
            return -1;
        }
        int device = cudaIndex(gpu.addresses()[0], System.getenv("CUDA_VISIBLE_DEVICES"), Nd4jDevices.count());
        Nd4jDevices.use(device);
        return device;
    }

    /**
     * The CUDA device number, inside this process, of the GPU Spark calls {@code address}.
     * getGpusResources.sh reports nvidia-smi's numbers, which ignore CUDA_VISIBLE_DEVICES while
     * CUDA renumbers the devices that variable lists from 0: where it lists the address, the
     * device is its position there; otherwise the address is taken as CUDA's own number.
     *
     * @param visibleDevices the executor's CUDA_VISIBLE_DEVICES, or null
     * @param count          the CUDA devices this process sees
     * @throws IllegalStateException one sentence when the address names no device this process sees
     */
    static int cudaIndex(String address, String visibleDevices, int count) {
        int id;
        try {
            id = Integer.parseInt(address.strip());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Spark gave this task GPU '" + address + "', which is not a device number as "
                    + "getGpusResources.sh reports them; check spark.executor.resource.gpu.discoveryScript.", e);
        }
        boolean restricted = visibleDevices != null && !visibleDevices.isBlank();
        if (restricted) {
            List<String> visible = Arrays.stream(visibleDevices.split(",")).map(String::strip).toList();
            int at = visible.indexOf(Integer.toString(id));
            if (at >= 0 && at < count) {
                return at;
            }
        }
        if (id >= 0 && id < count) {
            return id;
        }
        throw new IllegalStateException("Spark gave this task GPU " + id + ", but this executor's process sees " + count + " CUDA device(s)"
                + (restricted ? " (CUDA_VISIBLE_DEVICES=" + visibleDevices + ")" : "")
                + "; check spark.executor.resource.gpu.discoveryScript and how the cluster hands GPUs to executors.");
    }
}
