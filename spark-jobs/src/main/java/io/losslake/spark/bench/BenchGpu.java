package io.losslake.spark.bench;

import io.losslake.federated.LocalTraining;
import io.losslake.federated.Nd4jDevices;
import io.losslake.federated.TrainingBenchmark;
import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.model.OptimizerSpec;
import io.losslake.spark.Main;
import io.losslake.spark.runtime.UserInputException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code losslake bench gpu}: which ND4J backend this jar runs and which CUDA devices it sees, and,
 * where there is one, local training on it through the DL4J trainer (samples/s), beside the fused
 * trainer, which is CPU code on any build. Without a usable GPU it says why in one sentence and
 * exits with {@link Main#NO_DEVICE}, so that a script can tell "no GPU here" from a failure.
 */
@Command(name = "gpu", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reports ND4J's backend and CUDA devices; with a CUDA build (-Pgpu) and a GPU, trains the MLP and the CNN on one device",
            "with the DL4J trainer and prints samples/s, the fused trainer on the CPU beside it. Exits with status " + Main.NO_DEVICE
                + " where no GPU is usable."})
final class BenchGpu implements Callable<Integer> {
    /** Loaded only when the jar was built with -Pgpu. */
    private static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";

    @Spec
    CommandSpec spec;

    @Option(names = "--device", defaultValue = "0", description = "CUDA device to train on, as numbered in this process. Default: ${DEFAULT-VALUE}.")
    int device;

    @Option(names = "--models", split = ";", defaultValue = "mlp:256,128;cnn", description = "Models, ';'-separated. Default: ${DEFAULT-VALUE}.")
    List<String> models;

    @Option(names = "--batches", split = ",", defaultValue = "64,256,1024", description = "Batch sizes. Default: ${DEFAULT-VALUE}.")
    List<Integer> batches;

    @Option(names = "--trainers", split = ",", defaultValue = "dl4j,fused",
            description = "dl4j (on the GPU) and fused (on one CPU thread, for comparison). Default: ${DEFAULT-VALUE}.")
    List<String> trainers;

    @Option(names = "--seconds", defaultValue = "4", description = "Timed seconds per measurement (after a 1.5 s warm-up). Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<ModelSpec> specs = check();
        boolean cudaBuild = onClasspath(CUDA_BACKEND);
        // Asked before ND4J is: where CUDA cannot start, ND4J prints its own stack trace and then only says that no backend loaded.
        String problem = cudaBuild ? cudaProblem() : null;
        if (problem != null) {
            err.println("losslake bench gpu: this losslake.jar has ND4J's CUDA backend, but CUDA cannot start here (" + problem
                    + "); it needs an NVIDIA GPU, its driver and a CUDA 11.6 runtime (README, GPU executors).");
            err.flush();
            return Main.NO_DEVICE;
        }
        String backend;
        boolean cuda;
        List<Nd4jDevices.Device> devices;
        try {
            backend = Nd4jDevices.backend();
            cuda = Nd4jDevices.cuda();
            devices = Nd4jDevices.devices();
        } catch (RuntimeException | LinkageError e) {
            err.println("losslake bench gpu: this losslake.jar has ND4J's " + (cudaBuild ? "CUDA" : "CPU") + " backend, but ND4J could not start it here ("
                    + rootCause(e) + ")" + (cudaBuild ? "; it needs an NVIDIA GPU and a CUDA 11.6 runtime (README, GPU executors)." : "."));
            err.flush();
            return Main.NO_DEVICE;
        }
        if (!cuda || devices.isEmpty()) {
            err.println("losslake bench gpu: ND4J's backend here is " + backend + (cuda ? ", which sees no CUDA device" : " (the CPU build)")
                    + ", so no GPU device is available; build the jar with -Pgpu and run this on a machine with a GPU and CUDA 11.6 "
                    + "(README, GPU executors).");
            err.flush();
            return Main.NO_DEVICE;
        }
        if (device < 0 || device >= devices.size()) {
            throw new UserInputException("Invalid --device " + device + ": this process sees " + devices.size() + " CUDA device(s), 0 to "
                    + (devices.size() - 1) + ".");
        }
        out.println("backend: " + backend);
        String visible = System.getenv("CUDA_VISIBLE_DEVICES");
        out.println("CUDA devices: " + devices.size() + (visible == null ? "" : " (CUDA_VISIBLE_DEVICES=" + visible + ")"));
        for (Nd4jDevices.Device d : devices) {
            out.printf("  %d: %s, compute capability %s, %s total, %s free%n", d.index(), d.name(), d.computeCapability(), gib(d.totalMemory()),
                    gib(d.freeMemory()));
        }
        Nd4jDevices.use(device);
        out.printf("training on device %d (%s); fused on one CPU thread (%s)%n", Nd4jDevices.current(), devices.get(device).name(),
                io.losslake.federated.fused.FusedNetworks.blas());
        out.flush();
        TrainingFigures figures = new TrainingFigures();
        OptimizerSpec optimizer = new OptimizerSpec("nesterov", 0.01, 0.9);
        for (ModelSpec model : specs) {
            for (int b : batches) {
                for (String t : trainers) {
                    LocalTraining training = new LocalTraining(1, 0, b, optimizer, t);
                    if (t.equals("fused") && !training.fusedFor(model)) {
                        continue;
                    }
                    double rate = TrainingBenchmark.samplesPerSecond(model, training, seconds);
                    figures.put(model.describe(), b, t, rate);
                    out.printf("%-14s batch %5d %-6s %,12.0f samples/s%n", model.describe(), b, t.equals("dl4j") ? "gpu" : "cpu", rate);
                    out.flush();
                }
            }
        }
        out.println();
        out.printf("%-16s %6s %16s %16s %10s%n", "model", "batch", "dl4j on gpu " + device, "fused on 1 cpu", "gpu/cpu");
        for (var key : figures.keys()) {
            double gpu = figures.rate(key.getKey(), key.getValue(), "dl4j");
            double cpu = figures.rate(key.getKey(), key.getValue(), "fused");
            out.printf("%-16s %6d %16s %16s %10s%n", key.getKey(), key.getValue(), TrainingFigures.fmt(gpu), TrainingFigures.fmt(cpu),
                    Double.isNaN(gpu) || Double.isNaN(cpu) ? "-" : String.format("%.2fx", gpu / cpu));
        }
        out.println("(samples/s, random 28x28 inputs, 10 classes, Nesterov SGD; the thread's device after training: " + Nd4jDevices.current() + ")");
        out.flush();
        return 0;
    }

    private List<ModelSpec> check() {
        List<ModelSpec> specs = new ArrayList<>();
        for (String m : models) {
            try {
                specs.add(ModelSpec.parse(m, 784, 10));
            } catch (IllegalArgumentException e) {
                throw new UserInputException(e.getMessage(), e);
            }
        }
        if (batches.stream().anyMatch(b -> b < 1) || !(seconds > 0)) {
            throw new UserInputException("Invalid --batches " + batches + " or --seconds " + seconds + ": expected positive numbers.");
        }
        for (String t : trainers) {
            if (!t.equals("dl4j") && !t.equals("fused")) {
                throw new UserInputException("Invalid --trainers " + String.join(",", trainers) + ": expected dl4j, fused or both.");
            }
        }
        return specs;
    }

    /** Why CUDA cannot run in this process (no driver, no device), or null when it sees a device; through JavaCPP's CUDA preset. */
    private static String cudaProblem() {
        try {
            Class<?> cudart = Class.forName("org.bytedeco.cuda.global.cudart", true, BenchGpu.class.getClassLoader());
            int[] count = new int[1];
            int status = (Integer) cudart.getMethod("cudaGetDeviceCount", int[].class).invoke(null, (Object) count);
            return status != 0 ? "cudaGetDeviceCount returned CUDA error " + status : count[0] == 0 ? "CUDA sees no device" : null;
        } catch (java.lang.reflect.InvocationTargetException e) {
            return rootCause(e.getCause());
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return rootCause(e);
        }
    }

    private static boolean onClasspath(String className) {
        try {
            Class.forName(className, false, BenchGpu.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static String rootCause(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage().strip());
    }

    private static String gib(long bytes) {
        return bytes < 0 ? "?" : String.format("%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
