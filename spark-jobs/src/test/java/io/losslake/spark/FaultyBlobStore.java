package io.losslake.spark;

import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.GetOptions;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.jclouds.http.HttpResponse;
import org.jclouds.http.HttpResponseException;

/**
 * The in-process S3 server's store, with storage faults switched on by a test: throttling (a seeded
 * share of requests answered {@code 503 SlowDown}, as S3 does under load) and a failed PUT of the next
 * Delta commit file ({@code _delta_log/N.json} answered {@code 500 InternalError}, nothing stored).
 * S3Proxy turns the {@link HttpResponseException}s into those HTTP responses.
 */
final class FaultyBlobStore extends ForwardingBlobStore {
    private static final Pattern COMMIT = Pattern.compile(".*/_delta_log/\\d{20}\\.json");
    private final Random random = new Random(20261203);
    volatile double throttle;
    volatile boolean failNextCommitPut;
    final AtomicInteger throttled = new AtomicInteger();
    final AtomicInteger failedCommitPuts = new AtomicInteger();

    FaultyBlobStore(BlobStore delegate) {
        super(delegate);
    }

    private void maybeThrottle() {
        if (throttle > 0 && random.nextDouble() < throttle) {
            throttled.incrementAndGet();
            throw error(503, "SlowDown");
        }
    }

    private void maybeFailPut(Blob blob) {
        maybeThrottle();
        if (failNextCommitPut && COMMIT.matcher(blob.getMetadata().getName()).matches()) {
            failNextCommitPut = false;
            failedCommitPuts.incrementAndGet();
            throw error(500, "InternalError");
        }
    }

    private static HttpResponseException error(int status, String message) {
        return new HttpResponseException(message, null, HttpResponse.builder().statusCode(status).message(message).build());
    }

    @Override
    public String putBlob(String container, Blob blob) {
        maybeFailPut(blob);
        return super.putBlob(container, blob);
    }

    @Override
    public String putBlob(String container, Blob blob, PutOptions options) {
        maybeFailPut(blob);
        return super.putBlob(container, blob, options);
    }

    @Override
    public Blob getBlob(String container, String name) {
        maybeThrottle();
        return super.getBlob(container, name);
    }

    @Override
    public Blob getBlob(String container, String name, GetOptions options) {
        maybeThrottle();
        return super.getBlob(container, name, options);
    }

    @Override
    public BlobMetadata blobMetadata(String container, String name) {
        maybeThrottle();
        return super.blobMetadata(container, name);
    }

    @Override
    public PageSet<? extends StorageMetadata> list(String container, ListContainerOptions options) {
        maybeThrottle();
        return super.list(container, options);
    }
}
