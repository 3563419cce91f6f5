package io.losslake.spark.cli;

import io.losslake.spark.runtime.UserInputException;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;

/** The rule of every {@code --resume RUN_ID}: the run continues with its own stored settings, so no other option is taken beside it. */
final class Resume {
    private static final Set<String> TAKEN = Set.of("--resume", "--lake", "--master", "--conf");

    private Resume() {
    }

    /** Stops with one sentence when an option other than --lake, --master and --conf was given beside --resume. */
    static void onlyWithLakeOptions(CommandSpec spec) {
        List<String> given = spec.commandLine().getParseResult().matchedOptions().stream().map(o -> o.longestName())
                .filter(n -> !TAKEN.contains(n)).distinct().toList();
        if (!given.isEmpty()) {
            throw new UserInputException(spec.name() + " --resume continues the run with its own stored settings; " + String.join(", ", given)
                    + (given.size() == 1 ? " is" : " are") + " not taken beside it (only --lake, --master and --conf are).");
        }
    }
}
