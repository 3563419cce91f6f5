package io.losslake.spark.runtime;

/**
 * Input a user can fix (a bad option, a missing or corrupt file): the command line prints the
 * message alone, one sentence, and exits with status 2. Raised before any table is touched.
 */
public final class UserInputException extends RuntimeException {
    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
