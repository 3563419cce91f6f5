package io.losslake.spark.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak memory of this JVM over a stretch of work: the sum of the heap pools' peak usage, and the
 * process's peak resident set (Linux VmHWM, which covers ND4J's and Spark's off-heap memory too).
 * {@link #reset()} starts a new stretch.
 */
final class PeakMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private PeakMemory() {
    }

    static void reset() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        try {
            Files.writeString(CLEAR_REFS, "5"); // resets VmHWM to the current RSS (Linux >= 4.0)
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // not Linux, or not allowed: the RSS peak then covers the whole process
        }
    }

    /** Peak heap in use since the last reset, bytes. */
    static long heapPeak() {
        long total = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                total += pool.getPeakUsage().getUsed();
            }
        }
        return total;
    }

    /** Peak resident set of the process, bytes, or -1 where /proc is not available. */
    static long rssPeak() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format("%,d MiB", bytes >> 20);
    }
}
