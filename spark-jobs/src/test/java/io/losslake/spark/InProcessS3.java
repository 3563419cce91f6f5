package io.losslake.spark;

import java.net.URI;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/** An S3 API server in this JVM (S3Proxy over jclouds' in-memory blob store) with one bucket, on a free loopback port. */
public final class InProcessS3 implements AutoCloseable {
    public static final String ACCESS_KEY = "test-access";
    public static final String SECRET_KEY = "test-secret";

    private final BlobStoreContext blobs;
    private final S3Proxy server;
    private final String bucket;

    private InProcessS3(BlobStoreContext blobs, S3Proxy server, String bucket) {
        this.blobs = blobs;
        this.server = server;
        this.bucket = bucket;
    }

    public static InProcessS3 start(String bucket) throws Exception {
        BlobStoreContext blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
                .overrides(new Properties()).build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, bucket);
        S3Proxy server = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        server.start();
        while (!"STARTED".equals(server.getState())) {
            Thread.sleep(10);
        }
        return new InProcessS3(blobs, server, bucket);
    }

    public BlobStoreContext blobs() {
        return blobs;
    }

    /** The Hadoop settings (without Spark's {@code spark.hadoop.} prefix) that point s3a:// at this server. */
    public Map<String, String> s3aSettings() {
        return Map.of("fs.s3a.endpoint", "http://127.0.0.1:" + server.getPort(),
                "fs.s3a.access.key", ACCESS_KEY,
                "fs.s3a.secret.key", SECRET_KEY,
                "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
                "fs.s3a.path.style.access", "true",
                "fs.s3a.connection.ssl.enabled", "false",
                // Without it one Delta write took minutes retrying directory-marker deletes (STACK.md).
                "fs.s3a.directory.marker.retention", "keep",
                // A cached client would point at a previous test's server port.
                "fs.s3a.impl.disable.cache", "true");
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public void close() throws Exception {
        server.stop();
        blobs.close();
    }
}
