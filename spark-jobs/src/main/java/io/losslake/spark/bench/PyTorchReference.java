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
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs the PyTorch reference ({@code pytorch_training.py}, shipped in the jar) with a given
 * interpreter, one thread, and adds its rates to the figures. PyTorch is not a dependency of
 * losslake; this only exists so that the comparison is measured the same way on the same machine.
 */
final class PyTorchReference {
    private static final String SCRIPT = "pytorch_training.py";

    private PyTorchReference() {
    }

    static void measure(String python, List<String> models, List<Integer> batches, double seconds, TrainingFigures figures, PrintWriter out) {
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
        List<String> command = List.of(python, script.toString(), "--models", String.join(";", models),
                "--batches", batches.stream().map(String::valueOf).collect(Collectors.joining(",")), "--seconds", Double.toString(seconds));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
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
                    if (f.length == 2 && f[0].equals("VERSION")) {
                        figures.pytorchVersion(f[1]);
                    } else if (f.length == 4 && f[0].equals("RESULT")) {
                        double rate = Double.parseDouble(f[3]);
                        figures.put(f[1], Integer.parseInt(f[2]), "pytorch", rate);
                        out.printf("%-14s batch %4s %-8s %,10.0f samples/s%n", f[1], f[2], "pytorch", rate);
                        out.flush();
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
