package io.losslake.spark.lake;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Appends to the lake on one background thread, in submission order, so the driver can start the
 * next round while a round's rows are committed. A failed write surfaces at the next call or at
 * {@link #flush()}; rows still queued when the process dies are lost, which resumption tolerates
 * because a round's checkpoint is queued after its metrics.
 */
public final class AsyncAppender implements AutoCloseable {
    private final Lake lake;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "losslake-lake-writer");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private Future<?> last;

    public AsyncAppender(Lake lake) {
        this.lake = lake;
    }

    /** Queues an append; throws if an earlier one failed. */
    public synchronized void append(String table, StructType schema, List<Row> rows) {
        raiseFailure();
        if (rows.isEmpty()) {
            return;
        }
        last = writer.submit(() -> {
            if (failure.get() != null) {
                return; // after a failure nothing more is written: the lake keeps a consistent prefix
            }
            try {
                lake.append(table, schema, rows);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        });
    }

    /** Waits for every queued append; throws the first failure. */
    public synchronized void flush() {
        try {
            if (last != null) {
                last.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to the lake", e);
        } catch (ExecutionException e) {
            failure.compareAndSet(null, e.getCause());
        }
        raiseFailure();
    }

    private void raiseFailure() {
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("writing to the lake failed: " + t.getMessage(), t);
        }
    }

    @Override
    public void close() {
        try {
            flush();
        } finally {
            writer.shutdown();
        }
    }
}
