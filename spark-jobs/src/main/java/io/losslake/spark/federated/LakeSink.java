package io.losslake.spark.federated;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import io.losslake.federated.ClientState;
import io.losslake.federated.strategy.ServerState;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.Tables;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.collection.JavaConverters;

/**
 * A run's durable state in the lake: per-round checkpoints of the global weights and server state,
 * and the clients' own state (control variates, personal layers). Client state is read per round
 * for the sampled clients only, so the driver never holds every client's state.
 */
public final class LakeState {
    private final Lake lake;
    private final String runId;

    public LakeState(Lake lake, String runId) {
        this.lake = lake;
        this.runId = runId;
    }

    /** A checkpoint: the last completed round, its global weights and server state. */
    public record Checkpoint(int round, float[] weights, ServerState state) {
    }

    public Row checkpointRow(int round, float[] weights, ServerState state) {
        return RowFactory.create(runId, round, weights, scalaMap(new TreeMap<>(state.tensors())), scalaMap(new TreeMap<>(state.scalars())),
                Timestamp.from(Instant.now()));
    }

    public Row clientStateRow(int round, int clientId, ClientState state) {
        return RowFactory.create(runId, round, clientId, scalaMap(new TreeMap<>(state.tensors())), Timestamp.from(Instant.now()));
    }

    /** The latest checkpoint of this run, or null. */
    public Checkpoint latestCheckpoint() {
        if (!lake.exists(Tables.CHECKPOINTS)) {
            return null;
        }
        List<Row> rows = lake.read(Tables.CHECKPOINTS).where(col("run_id").equalTo(runId)).orderBy(col("round").desc()).limit(1).collectAsList();
        if (rows.isEmpty()) {
            return null;
        }
        Row r = rows.get(0);
        Map<String, float[]> tensors = new TreeMap<>();
        r.<String, scala.collection.Seq<Object>>getJavaMap(r.fieldIndex("state_tensors")).forEach((k, v) -> tensors.put(k, floats(v)));
        Map<String, Double> scalars = new TreeMap<>();
        r.<String, Object>getJavaMap(r.fieldIndex("state_scalars")).forEach((k, v) -> scalars.put(k, ((Number) v).doubleValue()));
        return new Checkpoint(r.getAs("round"), floats(r.getList(r.fieldIndex("weights"))), new ServerState(tensors, scalars));
    }

    /** The latest state before {@code round} of each of {@code clients} that has one. */
    public Map<Integer, ClientState> clientStates(int[] clients, int round) {
        Map<Integer, ClientState> out = new HashMap<>();
        if (clients.length == 0 || !lake.exists(Tables.CLIENT_STATE)) {
            return out;
        }
        Object[] ids = new Object[clients.length];
        for (int i = 0; i < clients.length; i++) {
            ids[i] = clients[i];
        }
        Column mine = col("run_id").equalTo(runId).and(col("client_id").isin(ids)).and(col("round").lt(round));
        // first the (client, round) pairs, reading only small columns; then just those rows' tensors
        List<Row> latest = lake.read(Tables.CLIENT_STATE).where(mine).groupBy("client_id").agg(max("round").as("round")).collectAsList();
        if (latest.isEmpty()) {
            return out;
        }
        Column wanted = null;
        for (Row r : latest) {
            Column one = col("client_id").equalTo(r.getInt(0)).and(col("round").equalTo(r.getInt(1)));
            wanted = wanted == null ? one : wanted.or(one);
        }
        for (Row r : lake.read(Tables.CLIENT_STATE).where(col("run_id").equalTo(runId).and(wanted)).collectAsList()) {
            Map<String, float[]> tensors = new TreeMap<>();
            r.<String, scala.collection.Seq<Object>>getJavaMap(r.fieldIndex("tensors")).forEach((k, v) -> tensors.put(k, floats(v)));
            out.put(r.getAs("client_id"), new ClientState(tensors));
        }
        return out;
    }

    /** Deletes this run's rows of rounds after {@code round}: what a killed run wrote past its last checkpoint. */
    public void discardAfter(int round) {
        for (String table : List.of(Tables.ROUND_METRICS, Tables.CLIENT_METRICS, Tables.CLIENT_STATE, Tables.CHECKPOINTS)) {
            if (lake.exists(table)) {
                lake.delta(table).delete(col("run_id").equalTo(runId).and(col("round").gt(round)));
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

    static <K, V> scala.collection.Map<K, V> scalaMap(Map<K, V> map) {
        return JavaConverters.mapAsScalaMap(new java.util.LinkedHashMap<>(map));
    }
}
