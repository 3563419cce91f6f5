package io.losslake.spark.federated;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import io.losslake.federated.ClientState;
import io.losslake.federated.simulation.Checkpoint;
import io.losslake.federated.simulation.ClientReport;
import io.losslake.federated.simulation.RoundRecord;
import io.losslake.federated.simulation.RoundSink;
import io.losslake.federated.strategy.ServerState;
import io.losslake.spark.lake.AsyncAppender;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.Rows;
import io.losslake.spark.lake.Tables;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.collection.JavaConverters;

/**
 * A run's rounds and client state in the lake: {@code round_metrics}, {@code client_metrics} and
 * {@code checkpoints} (the global weights and server state after each round), and
 * {@code client_state} (control variates, personal layers), read back per round for the sampled
 * clients only so the driver never holds every client's state. Appends run on a background thread
 * so the next round trains while one is committed. Rounds' rows are committed together at most
 * every {@code commitEverySeconds} (each Delta commit costs CPU the clients would use), and every
 * round when clients keep state; a round's checkpoint is always queued after its other rows and its
 * clients' state, so a killed run resumes from a round whose rows are all in the lake.
 */
public final class LakeSink implements RoundSink {
    /** The default of {@code --commit-every}. */
    public static final double COMMIT_EVERY_SECONDS = 10;
    private final Lake lake;
    private final String runId;
    private final boolean recordRounds;
    private final boolean commitEveryRound;
    private final long commitEveryNanos;
    private final AsyncAppender out;
    private final List<Row> pendingClients = new ArrayList<>();
    private final List<Row> pendingRounds = new ArrayList<>();
    private final List<Row> pendingCheckpoints = new ArrayList<>();
    private final List<Row> pendingBarriers = new ArrayList<>();
    private long lastCommit = System.nanoTime();

    /**
     * @param recordRounds       write round_metrics, client_metrics and checkpoints (a sweep's federated runs record their
     *                           own points instead, keeping only client state here, and are not resumable mid-run)
     * @param commitEveryRound   commit each round's rows at once (runs whose clients keep state)
     * @param commitEverySeconds otherwise, commit finished rounds' rows together at most this often
     */
    public LakeSink(Lake lake, String runId, boolean recordRounds, boolean commitEveryRound, double commitEverySeconds) {
        this.lake = lake;
        this.runId = runId;
        this.recordRounds = recordRounds;
        this.commitEveryRound = commitEveryRound;
        this.commitEveryNanos = (long) (commitEverySeconds * 1e9);
        this.out = new AsyncAppender(lake);
    }

    @Override
    public Map<Integer, ClientState> clientStates(int[] clients, int round) {
        out.flush(); // the states the previous round queued
        Map<Integer, ClientState> states = new HashMap<>();
        if (clients.length == 0 || !lake.exists(Tables.CLIENT_STATE)) {
            return states;
        }
        Object[] ids = new Object[clients.length];
        for (int i = 0; i < clients.length; i++) {
            ids[i] = clients[i];
        }
        Column mine = col("run_id").equalTo(runId).and(col("client_id").isin(ids)).and(col("round").lt(round));
        // first the (client, round) pairs, reading only small columns; then just those rows' tensors
        List<Row> latest = lake.read(Tables.CLIENT_STATE).where(mine).groupBy("client_id").agg(max("round").as("round")).collectAsList();
        if (latest.isEmpty()) {
            return states;
        }
        Column wanted = null;
        for (Row r : latest) {
            Column one = col("client_id").equalTo(r.getInt(0)).and(col("round").equalTo(r.getInt(1)));
            wanted = wanted == null ? one : wanted.or(one);
        }
        for (Row r : lake.read(Tables.CLIENT_STATE).where(col("run_id").equalTo(runId).and(wanted)).collectAsList()) {
            Map<String, float[]> tensors = new TreeMap<>();
            r.<String, scala.collection.Seq<Object>>getJavaMap(r.fieldIndex("tensors")).forEach((k, v) -> tensors.put(k, floats(v)));
            states.put(r.getAs("client_id"), new ClientState(tensors));
        }
        return states;
    }

    @Override
    public void record(RoundRecord round) {
        int r = round.metrics().round();
        List<Row> stateRows = new ArrayList<>();
        round.states().forEach((client, state) -> stateRows.add(RowFactory.create(runId, r, client, Rows.map(new TreeMap<>(state.tensors())),
                Timestamp.from(Instant.now()))));
        out.append(Tables.CLIENT_STATE, Tables.CLIENT_STATE_SCHEMA, stateRows);
        if (!recordRounds) {
            return;
        }
        for (ClientReport c : round.clients()) {
            pendingClients.add(LakeRows.client(runId, r, c));
        }
        pendingRounds.add(LakeRows.round(round.metrics()));
        for (RoundRecord.PairBarriers b : round.barriers()) {
            pendingBarriers.addAll(LakeRows.barriers(runId, runId, r, b.pair(), b.evalSet(), b.examples(), b.report()));
        }
        Checkpoint cp = round.checkpoint();
        pendingCheckpoints.add(RowFactory.create(runId, cp.round(), cp.weights(), Rows.map(new TreeMap<>(cp.state().tensors())),
                Rows.map(new TreeMap<>(cp.state().scalars())), Timestamp.from(Instant.now())));
        if (commitEveryRound) {
            commitPending();
            out.flush(); // durable before the round is reported, and read back by the next one
        } else if (System.nanoTime() - lastCommit >= commitEveryNanos) {
            commitPending();
        }
    }

    private void commitPending() {
        if (pendingRounds.isEmpty()) {
            return;
        }
        out.append(Tables.CLIENT_METRICS, Tables.CLIENT_METRICS_SCHEMA, new ArrayList<>(pendingClients));
        out.append(Tables.ROUND_METRICS, Tables.ROUND_METRICS_SCHEMA, new ArrayList<>(pendingRounds));
        if (!pendingBarriers.isEmpty()) {
            out.append(Tables.BARRIERS, Tables.BARRIERS_SCHEMA, new ArrayList<>(pendingBarriers));
        }
        // last: a round is complete in the lake once its checkpoint is
        out.append(Tables.CHECKPOINTS, Tables.CHECKPOINTS_SCHEMA, new ArrayList<>(pendingCheckpoints));
        pendingClients.clear();
        pendingRounds.clear();
        pendingCheckpoints.clear();
        pendingBarriers.clear();
        lastCommit = System.nanoTime();
    }

    @Override
    public void flush() {
        commitPending();
        out.flush();
    }

    @Override
    public void close() {
        try {
            flush();
        } finally {
            out.close();
        }
    }

    /** The latest checkpoint of {@code runId} in the lake (with the FLOPs trained up to it), or null. */
    public static Checkpoint latestCheckpoint(Lake lake, String runId) {
        return checkpoint(lake, runId, null);
    }

    /** The checkpoint of {@code runId} after {@code round} (null: its latest), or null when the lake has none. */
    public static Checkpoint checkpoint(Lake lake, String runId, Integer round) {
        if (!lake.exists(Tables.CHECKPOINTS)) {
            return null;
        }
        Column mine = col("run_id").equalTo(runId);
        List<Row> rows = lake.read(Tables.CHECKPOINTS).where(round == null ? mine : mine.and(col("round").equalTo(round)))
                .orderBy(col("round").desc()).limit(1).collectAsList();
        if (rows.isEmpty()) {
            return null;
        }
        Row r = rows.get(0);
        Map<String, float[]> tensors = new TreeMap<>();
        r.<String, scala.collection.Seq<Object>>getJavaMap(r.fieldIndex("state_tensors")).forEach((k, v) -> tensors.put(k, floats(v)));
        Map<String, Double> scalars = new TreeMap<>();
        r.<String, Object>getJavaMap(r.fieldIndex("state_scalars")).forEach((k, v) -> scalars.put(k, ((Number) v).doubleValue()));
        int at = r.getAs("round");
        return new Checkpoint(at, floats(r.getList(r.fieldIndex("weights"))), new ServerState(tensors, scalars), trainFlops(lake, runId, at));
    }

    private static double trainFlops(Lake lake, String runId, int round) {
        if (!lake.exists(Tables.ROUND_METRICS)) {
            return 0;
        }
        List<Row> rows = lake.read(Tables.ROUND_METRICS).where(col("run_id").equalTo(runId).and(col("round").equalTo(round)))
                .select("train_flops").collectAsList();
        return rows.isEmpty() || rows.get(0).isNullAt(0) ? 0 : rows.get(0).getDouble(0);
    }

    /** Deletes {@code runId}'s rows of rounds after {@code round}: what a killed run wrote past its last checkpoint. */
    public static void discardAfter(Lake lake, String runId, int round) {
        lake.claimWrite();
        for (String table : List.of(Tables.ROUND_METRICS, Tables.CLIENT_METRICS, Tables.CLIENT_STATE, Tables.BARRIERS, Tables.CHECKPOINTS)) {
            if (lake.exists(table)) {
                // run again, a delete removes nothing more: safe to retry
                Lake.retrying(table, () -> lake.delta(table).delete(col("run_id").equalTo(runId).and(col("round").gt(round))));
            }
        }
    }

    private static float[] floats(scala.collection.Seq<Object> seq) {
        return floats(JavaConverters.seqAsJavaList(seq));
    }

    private static float[] floats(List<?> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).floatValue();
        }
        return out;
    }
}
