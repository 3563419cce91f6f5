package io.losslake.spark.jobs;

import io.losslake.spark.runtime.UserInputException;

/** Where a request's own checks meet the command line's contract: their one sentence, exit status 2. */
final class UserErrors {
    private UserErrors() {
    }

    /** Runs {@code check}; an IllegalArgumentException it throws becomes a {@link UserInputException} with the same sentence. */
    static void check(Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
    }
}
