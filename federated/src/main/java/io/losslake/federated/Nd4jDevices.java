package io.losslake.federated;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's backend in this JVM and the device a thread computes on. The jar holds one backend:
 * nd4j-native (the default build) or nd4j-cuda (built with {@code -Pgpu}). On the CPU backend
 * there is nothing to choose and {@link #use} does nothing. On CUDA, ND4J keeps the device per
 * thread (the native side's current device): {@link #use} moves the calling thread to a device,
 * and everything the thread creates afterwards (networks, minibatches, workspaces) lives there.
 * Only the DL4J trainer computes through ND4J; the fused trainer multiplies on the CPU with
 * OpenBLAS whatever the backend.
 */
public final class Nd4jDevices {
    private Nd4jDevices() {
    }

    /** A CUDA device as ND4J reports it; memory in bytes, -1 where ND4J does not say. */
    public record Device(int index, String name, String computeCapability, long totalMemory, long freeMemory) {
    }

    /** Whether ND4J runs on CUDA in this JVM (loads the backend on first use). */
    public static boolean cuda() {
        return !Nd4j.getEnvironment().isCPU();
    }

    /** The backend's class, e.g. {@code org.nd4j.linalg.cpu.nativecpu.CpuBackend} or {@code org.nd4j.linalg.jcublas.JCublasBackend}. */
    public static String backend() {
        return Nd4j.getBackend().getClass().getName();
    }

    /** The CUDA devices ND4J sees (CUDA_VISIBLE_DEVICES applies); empty on the CPU backend. */
    public static List<Device> devices() {
        if (!cuda()) {
            return List.of();
        }
        List<Device> out = new ArrayList<>();
        Object info = Nd4j.getExecutioner().getEnvironmentInformation().get("cuda.devicesInformation");
        List<?> listed = info instanceof List<?> l ? l : List.of();
        int count = count();
        for (int i = 0; i < count; i++) {
            Map<?, ?> d = i < listed.size() && listed.get(i) instanceof Map<?, ?> m ? m : Map.of();
            Object major = d.get("cuda.deviceMajor");
            Object minor = d.get("cuda.deviceMinor");
            out.add(new Device(i, String.valueOf(d.get("cuda.deviceName")), major == null ? "?" : major + "." + minor,
                    number(d.get("cuda.totalMemory")), number(d.get("cuda.freeMemory"))));
        }
        return out;
    }

    /** How many CUDA devices ND4J sees (CUDA_VISIBLE_DEVICES applies); 0 on the CPU backend. */
    public static int count() {
        return cuda() ? Nd4j.getAffinityManager().getNumberOfDevices() : 0;
    }

    /** The device the calling thread computes on; 0 on the CPU backend. */
    public static int current() {
        return cuda() ? Nd4j.getAffinityManager().getDeviceForCurrentThread() : 0;
    }

    /**
     * Makes the calling thread compute on CUDA device {@code index} (as numbered inside this
     * process, after CUDA_VISIBLE_DEVICES); nothing on the CPU backend. Call it before the thread
     * creates the arrays it trains with: arrays made earlier stay on their device.
     *
     * @throws IllegalArgumentException when there is no such device
     */
    public static void use(int index) {
        if (!cuda()) {
            return;
        }
        int count = count();
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("CUDA device " + index + " does not exist: this process sees " + count + " device(s).");
        }
        if (Nd4j.getAffinityManager().getDeviceForCurrentThread() != index) {
            Nd4j.getAffinityManager().unsafeSetDevice(index);
        }
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : -1;
    }
}
