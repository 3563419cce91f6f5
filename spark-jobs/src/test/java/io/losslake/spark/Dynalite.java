package io.losslake.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A DynamoDB-compatible server for tests: dynalite (npm, MIT; in memory) in a Node.js process on a free loopback
 * port. Installed under {@code src/test/node} by the build (profile {@code test-node-servers}: {@code npm ci}).
 */
public final class Dynalite implements AutoCloseable {
    static final Path HOME = Path.of("src", "test", "node").toAbsolutePath();

    private final Process process;
    private final int port;

    private Dynalite(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static Dynalite start() throws IOException, InterruptedException {
        Path script = HOME.resolve("node_modules/dynalite/cli.js");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("dynalite is not installed: run `npm ci` in " + HOME + " (the Maven build does when node_modules is missing)");
        }
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process process = new ProcessBuilder("node", script.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--createTableMs", "0").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return new Dynalite(process, port);
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("dynalite did not start on port " + port + " (exit " + (process.isAlive() ? "none" : process.exitValue()) + ")");
                }
                Thread.sleep(50);
            }
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
