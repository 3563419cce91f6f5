package io.losslake.spark.jobs;

import static org.apache.spark.sql.functions.col;

import io.losslake.federated.distill.SyntheticSet;
import io.losslake.federated.simulation.SyntheticRounds;
import io.losslake.spark.data.ClientDatasets;
import io.losslake.spark.lake.Lake;
import io.losslake.spark.lake.Tables;
import io.losslake.spark.runtime.UserInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;

/**
 * The synthetic sets a federated run's clients upload ({@code federate --synthetic RUN_ID}): one
 * distill run's rows of {@code synthetic_examples}, checked against the run's plan and gathered per
 * client, in the units of the plan's examples.
 */
final class SyntheticSets {
    private SyntheticSets() {
    }

    /**
     * @param available the plan's clients holding data; each must have a set
     * @throws UserInputException one sentence when the run is not a distill run of {@code info}'s plan
     */
    static SyntheticRounds load(Lake lake, FederateRequest.SyntheticOptions options, String plan, ClientDatasets.PlanInfo info, int[] available) {
        String run = options.run();
        List<Row> rows = !lake.exists(Tables.SYNTHETIC_EXAMPLES) ? List.of()
                : lake.read(Tables.SYNTHETIC_EXAMPLES).where(col("run_id").equalTo(run))
                        .select("partition_id", "client_id", "method", "label", "position", "features").collectAsList();
        if (rows.isEmpty()) {
            throw new UserInputException("--synthetic " + run + ": the lake " + lake.root() + " holds no synthetic examples of that run "
                    + "(a 'losslake distill' run's id, as it printed).");
        }
        String distilled = rows.get(0).getString(0);
        if (!plan.equals(distilled)) {
            throw new UserInputException("--synthetic " + run + " condensed the clients of plan " + distilled + ", not of --plan " + plan + ".");
        }
        TreeSet<String> methods = new TreeSet<>();
        rows.forEach(r -> methods.add(r.getString(2)));
        String method = options.method() != null ? options.method()
                : methods.stream().filter(m -> !m.equals("random")).findFirst().orElse("random");
        if (!methods.contains(method)) {
            throw new UserInputException("--synthetic-method " + method + ": distill run " + run + " holds sets of " + String.join(", ", methods) + " only.");
        }
        int pixels = Arrays.stream(info.shape()).reduce(1, (a, b) -> a * b);
        int side = (int) Math.round(Math.sqrt(pixels));
        if (side * side != pixels) {
            throw new UserInputException("--synthetic needs square images; plan " + plan + "'s examples have shape " + Arrays.toString(info.shape()) + ".");
        }
        // per client, its examples in class order, then position: the order distill wrote them in
        Map<Integer, List<Row>> byClient = new TreeMap<>();
        for (Row r : rows) {
            if (r.getString(2).equals(method)) {
                byClient.computeIfAbsent(r.getInt(1), k -> new ArrayList<>()).add(r);
            }
        }
        List<Integer> missing = Arrays.stream(available).filter(id -> !byClient.containsKey(id)).boxed().toList();
        if (!missing.isEmpty()) {
            throw new UserInputException("--synthetic " + run + " holds no " + method + " set for client(s) " + abbreviate(missing) + " of plan " + plan + ".");
        }
        Map<Integer, SyntheticSet> sets = new TreeMap<>();
        for (Map.Entry<Integer, List<Row>> e : byClient.entrySet()) {
            List<Row> own = new ArrayList<>(e.getValue());
            own.sort((a, b) -> a.getInt(3) != b.getInt(3) ? Integer.compare(a.getInt(3), b.getInt(3)) : Integer.compare(a.getInt(4), b.getInt(4)));
            float[] x = new float[own.size() * pixels];
            int[] y = new int[own.size()];
            for (int i = 0; i < y.length; i++) {
                List<Float> f = own.get(i).getList(5);
                if (f.size() != pixels) {
                    throw new UserInputException("--synthetic " + run + ": client " + e.getKey() + "'s examples have " + f.size() + " values, plan "
                            + plan + "'s " + pixels + ".");
                }
                for (int k = 0; k < pixels; k++) {
                    x[i * pixels + k] = f.get(k);
                }
                y[i] = own.get(i).getInt(3);
                if (y[i] < 0 || y[i] >= info.numClasses()) {
                    throw new UserInputException("--synthetic " + run + ": client " + e.getKey() + " holds label " + y[i] + ", outside the plan's "
                            + info.numClasses() + " classes.");
                }
            }
            sets.put(e.getKey(), new SyntheticSet(e.getKey(), x, y, side, info.numClasses(), Double.NaN));
        }
        return new SyntheticRounds(options.tuning(), sets);
    }

    private static String abbreviate(List<Integer> ids) {
        return ids.size() <= 5 ? ids.toString() : ids.subList(0, 5) + " and " + (ids.size() - 5) + " more";
    }
}
