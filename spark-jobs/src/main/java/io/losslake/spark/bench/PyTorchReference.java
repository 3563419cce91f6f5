package io.losslake.spark.bench;

import io.losslake.spark.runtime.UserInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Runs the PyTorch reference ({@code pytorch_training.py}, shipped in the jar) with a given
 * interpreter on one thread, as its users run it: without the OpenBLAS overrides
 * ({@code OPENBLAS_CORETYPE}, {@code OPENBLAS_L2_SIZE}, ...) some machines set for old OpenBLAS
 * builds, which force PyTorch's OpenBLAS onto older kernels; when this process's environment has
 * them, a second pass measures PyTorch with them for comparison. PyTorch is not a dependency of
 * losslake; this exists so that the comparison is measured the same way on the same machine.
 */
final class PyTorchReference {
    private static final String SCRIPT = "pytorch_training.py";

    private PyTorchReference() {
    }

    /** This process's OpenBLAS overrides (every OPENBLAS_ variable but the thread count). */
    static Map<String, String> overrides() {
        Map<String, String> out = new LinkedHashMap<>();
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("OPENBLAS_") && !k.equals("OPENBLAS_NUM_THREADS")) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Training throughput into {@code figures}: column {@code pytorch} without the overrides, {@code pytorch+overrides} with them. */
    static void measure(String python, List<String> models, List<Integer> batches, double seconds, TrainingFigures figures, PrintWriter out) {
        List<String> args = List.of("--models", String.join(";", models), "--batches",
                batches.stream().map(String::valueOf).collect(Collectors.joining(",")), "--seconds", Double.toString(seconds));
        run(python, args, false, line -> result(line, "pytorch", figures, out));
        if (!overrides().isEmpty()) {
            run(python, args, true, line -> result(line, "pytorch+overrides", figures, out));
        }
        run(python, List.of("--describe"), false, line -> {
            if (line[0].equals("BACKEND")) {
                figures.pytorchBackend(line[1]);
            }
        });
    }

    /** The kernels the OpenBLAS at {@code library} chooses on this CPU (through Python's ctypes), or null. */
    static String probe(String python, String library) {
        String[] core = {null};
        run(python, List.of("--probe", library), false, line -> {
            if (line[0].equals("CORE") && line.length == 3) {
                core[0] = line[2];
            }
        });
        return core[0];
    }

    /** FedAvg rounds as the plain PyTorch loop: seconds per round, in order. */
    static List<Double> rounds(String python, String model, int batch, List<Integer> sizes, int rounds, double lr, double momentum, String data) {
        List<Double> seconds = new ArrayList<>();
        run(python, List.of("--models", model, "--batches", Integer.toString(batch), "--round-sizes",
                sizes.stream().map(String::valueOf).collect(Collectors.joining(",")), "--rounds", Integer.toString(rounds), "--lr", Double.toString(lr),
                "--momentum", Double.toString(momentum), "--data", data), false, line -> {
                    if (line[0].equals("ROUND")) {
                        seconds.add(Double.parseDouble(line[2]));
                    }
                });
        return seconds;
    }

    private static void result(String[] f, String column, TrainingFigures figures, PrintWriter out) {
        if (f.length == 2 && f[0].equals("VERSION")) {
            figures.pytorchVersion(f[1]);
        } else if (f.length == 4 && f[0].equals("RESULT")) {
            double rate = Double.parseDouble(f[3]);
            figures.put(f[1], Integer.parseInt(f[2]), column, rate);
            out.printf("%-14s batch %4s %-18s %,10.0f samples/s%n", f[1], f[2], column, rate);
            out.flush();
        }
    }

    private static void run(String python, List<String> args, boolean withOverrides, Consumer<String[]> lines) {
        Path script;
        try (InputStream in = PyTorchReference.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is missing from the losslake jar");
            }
            script = Files.createTempFile("losslake-pytorch", ".py");
            script.toFile().deleteOnExit();
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("could not write the PyTorch benchmark script: " + e.getMessage(), e);
        }
        List<String> command = new ArrayList<>(List.of(python, script.toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (!withOverrides) {
            overrides().keySet().forEach(pb.environment()::remove);
        }
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        pb.environment().put("MKL_NUM_THREADS", "1");
        List<String> other = new ArrayList<>();
        int status;
        try {
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new UserInputException("Invalid --pytorch " + python + ": could not run it (" + e.getMessage() + "); expected a Python interpreter with torch.");
            }
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String[] f = line.split("\t");
                    if (f.length >= 2 && f[0].matches("[A-Z]+")) {
                        lines.accept(f);
                    } else {
                        other.add(line);
                    }
                }
            }
            status = p.waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("reading the PyTorch benchmark's output failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while PyTorch was measured", e);
        }
        if (status != 0) {
            String tail = String.join("\n", other.subList(Math.max(0, other.size() - 5), other.size()));
            throw new UserInputException("Invalid --pytorch " + python + ": the PyTorch benchmark exited with status " + status
                    + " (expected an interpreter with torch installed, e.g. Debian's python3-torch):\n" + tail);
        }
    }
}
