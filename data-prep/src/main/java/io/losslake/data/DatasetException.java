package io.losslake.data;

/**
 * A dataset that cannot be used as given: missing, unreadable, corrupt or inconsistent. The message
 * is one sentence that names the input and says what was expected, fit to show a user as is.
 */
public class DatasetException extends RuntimeException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
