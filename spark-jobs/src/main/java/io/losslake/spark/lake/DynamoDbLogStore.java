package io.losslake.spark.lake;

import com.amazonaws.AmazonClientException;
import com.amazonaws.auth.DefaultAWSCredentialsProviderChain;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.dynamodbv2.AmazonDynamoDB;
import com.amazonaws.services.dynamodbv2.AmazonDynamoDBClientBuilder;
import com.amazonaws.services.dynamodbv2.model.AttributeDefinition;
import com.amazonaws.services.dynamodbv2.model.AttributeValue;
import com.amazonaws.services.dynamodbv2.model.ConditionalCheckFailedException;
import com.amazonaws.services.dynamodbv2.model.CreateTableRequest;
import com.amazonaws.services.dynamodbv2.model.GetItemRequest;
import com.amazonaws.services.dynamodbv2.model.KeySchemaElement;
import com.amazonaws.services.dynamodbv2.model.KeyType;
import com.amazonaws.services.dynamodbv2.model.ProvisionedThroughput;
import com.amazonaws.services.dynamodbv2.model.PutItemRequest;
import com.amazonaws.services.dynamodbv2.model.QueryRequest;
import com.amazonaws.services.dynamodbv2.model.ResourceInUseException;
import com.amazonaws.services.dynamodbv2.model.ResourceNotFoundException;
import com.amazonaws.services.dynamodbv2.model.ScalarAttributeType;
import io.delta.storage.CloseableIterator;
import io.delta.storage.HadoopFileSystemLogStore;
import io.losslake.spark.runtime.Faults;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delta's log store for {@code s3a://} lakes written by several processes at once: which writer
 * takes version N of a table is decided by a conditional put into a DynamoDB table, the one
 * operation here that is atomic across hosts (S3 itself overwrites, so two writers checking
 * "N.json does not exist" and then writing it can both succeed and one commit is lost).
 *
 * <p>A commit of {@code _delta_log/N.json} follows the protocol of Delta's own
 * {@code S3DynamoDBLogStore} (module {@code delta-storage-s3-dynamodb}, which Maven Central's
 * mirror here does not serve), with the same DynamoDB table layout: hash key {@code tablePath},
 * range key {@code fileName}, attributes {@code tempPath}, {@code complete} ("true"/"false") and
 * {@code expireTime} (epoch seconds, for DynamoDB's TTL):
 * <ol>
 *   <li>if the entry of N-1 is incomplete, complete it; if there is none, N-1.json must exist;</li>
 *   <li>N.json must not exist;</li>
 *   <li>write the actions to a unique temporary object {@code _delta_log/.tmp/N.json.<uuid>};</li>
 *   <li>put the entry (N, temp, incomplete) under the condition that no entry for N exists: the
 *       commit point. A writer that loses gets {@link FileAlreadyExistsException} and Delta
 *       retries it at N + 1 after its conflict checks, as for any lost race;</li>
 *   <li>copy the temporary object to N.json, mark the entry complete, delete the temporary one.</li>
 * </ol>
 * A writer that dies between 4 and 5 leaves an incomplete entry; whoever lists the log next
 * ({@link #listFrom}, which Delta calls before every snapshot update) or reads N.json performs
 * step 5 for it. Copies of one temporary object are byte-identical, so two processes completing
 * one entry at once write the same N.json. Only the latest entry of a table can be incomplete,
 * because a commit of N + 1 first completes N.
 *
 * <p>Settings (Spark configuration; the first switches it on for {@code s3a://} lakes, see
 * {@link io.losslake.spark.runtime.LakeSession}): {@link #TABLE}, {@link #REGION} (default
 * {@code us-east-1}) and {@link #ENDPOINT} (a DynamoDB-compatible server or a VPC endpoint; default:
 * the region's). Credentials come from the AWS SDK's default provider chain (environment,
 * system properties, profile, instance role). The DynamoDB table is created on first use with 5
 * read and 5 write units when it does not exist; in production create it yourself and enable TTL on
 * {@code expireTime}.
 */
public final class DynamoDbLogStore extends HadoopFileSystemLogStore {
    public static final String PREFIX = "spark.losslake.lake.dynamodb.";
    /** The DynamoDB table holding commit entries; setting it makes s3a:// lakes use this store. */
    public static final String TABLE = PREFIX + "table";
    public static final String REGION = PREFIX + "region";
    public static final String ENDPOINT = PREFIX + "endpoint";
    /** How long a completed entry is kept before DynamoDB's TTL may remove it (Delta keeps a day too). */
    static final long EXPIRE_SECONDS = 24 * 3600;

    static final String TABLE_PATH = "tablePath";
    static final String FILE_NAME = "fileName";
    static final String TEMP_PATH = "tempPath";
    static final String COMPLETE = "complete";
    static final String EXPIRE_TIME = "expireTime";

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbLogStore.class);
    private static final Pattern DELTA_FILE = Pattern.compile("(\\d{20})\\.json");
    private static final Map<String, AmazonDynamoDB> CLIENTS = new ConcurrentHashMap<>();
    private static final Set<String> READY = ConcurrentHashMap.newKeySet();

    /** One commit entry: {@code fileName} of table {@code tablePath} is (or is being) written from {@code tempPath}. */
    record Entry(String tablePath, String fileName, String tempPath, boolean complete) {
    }

    public DynamoDbLogStore(Configuration hadoopConf) {
        super(hadoopConf);
    }

    @Override
    public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf) throws IOException {
        FileSystem fs = path.getFileSystem(hadoopConf);
        Path file = fs.makeQualified(path);
        Matcher delta = DELTA_FILE.matcher(file.getName());
        if (Boolean.TRUE.equals(overwrite) || !delta.matches()) {
            // _last_checkpoint and other overwritable files; S3 makes an object visible whole, on close
            if (!Boolean.TRUE.equals(overwrite) && fs.exists(file)) {
                throw new FileAlreadyExistsException(file.toString());
            }
            writeObject(fs, file, actions, Boolean.TRUE.equals(overwrite));
            return;
        }
        Commits commits = Commits.of(hadoopConf);
        Path log = file.getParent();
        String table = log.getParent().toString();
        long version = Long.parseLong(delta.group(1));
        if (version > 0) {
            String previous = String.format("%020d.json", version - 1);
            Optional<Entry> entry = commits.get(table, previous);
            if (entry.isPresent()) {
                complete(fs, log, entry.get(), commits);
            } else if (!fs.exists(new Path(log, previous))) {
                throw new FileSystemException(file.toString(), null, "commit " + (version - 1) + " of the table does not exist");
            }
        }
        if (fs.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        String temp = ".tmp/" + file.getName() + "." + UUID.randomUUID();
        Path tempFile = new Path(log, temp);
        writeObject(fs, tempFile, actions, false);
        Entry entry = new Entry(table, file.getName(), temp, false);
        if (!commits.putIfAbsent(entry)) {
            deleteQuietly(fs, tempFile);
            throw new FileAlreadyExistsException(file.toString(), null, "another writer took this version");
        }
        if (Faults.loseCommitAck(file)) { // the commit is decided; its writer is made to believe it lost, as after a lost response
            throw new FileAlreadyExistsException(file.toString(), null, "commit recorded, acknowledgement lost (" + Faults.LOST_COMMIT_ACK + ")");
        }
        try {
            complete(fs, log, entry, commits);
        } catch (IOException e) {
            // the commit stands (its entry is in DynamoDB); the next listing or read of the log completes it
            LOG.warn("Commit {} is recorded but its copy failed ({}); it is completed on the next read of the table's log", file, e.toString());
        }
    }

    @Override
    public CloseableIterator<String> read(Path path, Configuration hadoopConf) throws IOException {
        try {
            return super.read(path, hadoopConf);
        } catch (FileNotFoundException e) {
            FileSystem fs = path.getFileSystem(hadoopConf);
            Path file = fs.makeQualified(path);
            if (!DELTA_FILE.matcher(file.getName()).matches()) {
                throw e;
            }
            Commits commits = Commits.of(hadoopConf);
            Optional<Entry> entry = commits.get(file.getParent().getParent().toString(), file.getName());
            if (entry.isEmpty() || entry.get().complete()) {
                throw e;
            }
            complete(fs, file.getParent(), entry.get(), commits);
            return super.read(path, hadoopConf);
        }
    }

    @Override
    public Iterator<FileStatus> listFrom(Path path, Configuration hadoopConf) throws IOException {
        FileSystem fs = path.getFileSystem(hadoopConf);
        Path log = fs.makeQualified(path).getParent();
        if (log != null && "_delta_log".equals(log.getName()) && log.getParent() != null) {
            Commits commits = Commits.of(hadoopConf);
            Optional<Entry> latest = commits.latest(log.getParent().toString());
            if (latest.isPresent() && !latest.get().complete()) {
                complete(fs, log, latest.get(), commits);
            }
        }
        return super.listFrom(path, hadoopConf);
    }

    @Override
    public Boolean isPartialWriteVisible(Path path, Configuration hadoopConf) {
        return false;
    }

    /** Step 5 for {@code entry}: its temporary object copied to its file, the entry marked complete, the temporary deleted. */
    static void complete(FileSystem fs, Path log, Entry entry, Commits commits) throws IOException {
        if (entry.complete()) {
            return;
        }
        Path file = new Path(log, entry.fileName());
        Path temp = new Path(log, entry.tempPath());
        IOException failure = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                if (!fs.exists(file)) {
                    // Whoever copies writes the same bytes, so a race between completers is harmless. The temporary
                    // object is read whole before N.json is opened: a streaming copy whose source a finished completer
                    // deleted meanwhile would close N.json empty over the commit (seen in testing: one commit lost).
                    byte[] bytes;
                    try (FSDataInputStream in = fs.open(temp)) {
                        bytes = in.readAllBytes();
                    }
                    writeObject(fs, file, bytes, true);
                }
                commits.markComplete(entry);
                deleteQuietly(fs, temp);
                return;
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                failure = e; // e.g. a completer that raced us deleted the temporary object after copying: look again
            }
        }
        throw failure;
    }

    private static void writeObject(FileSystem fs, Path file, Iterator<String> actions, boolean overwrite) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (actions.hasNext()) { // all of it before the object is opened: S3A uploads on close, also after a failure
            bytes.write((actions.next() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        writeObject(fs, file, bytes.toByteArray(), overwrite);
    }

    private static void writeObject(FileSystem fs, Path file, byte[] bytes, boolean overwrite) throws IOException {
        try (FSDataOutputStream out = fs.create(file, overwrite)) {
            out.write(bytes);
        }
    }

    private static void deleteQuietly(FileSystem fs, Path file) {
        try {
            fs.delete(file, false);
        } catch (IOException e) {
            LOG.debug("Could not delete {}: {}", file, e.toString());
        }
    }

    /** The commit entries of one DynamoDB table, through a client shared per endpoint and region. */
    static final class Commits {
        private final AmazonDynamoDB client;
        private final String table;
        private final String where;

        private Commits(AmazonDynamoDB client, String table, String where) {
            this.client = client;
            this.table = table;
            this.where = where;
        }

        static Commits of(Configuration conf) throws IOException {
            String table = setting(conf, TABLE, "");
            if (table.isEmpty()) {
                throw new IOException(DynamoDbLogStore.class.getSimpleName() + " needs " + TABLE + ", the DynamoDB table of commit entries");
            }
            String region = setting(conf, REGION, "us-east-1");
            String endpoint = setting(conf, ENDPOINT, "");
            String where = "DynamoDB table '" + table + "' (" + (endpoint.isEmpty() ? "region " + region : endpoint) + ")";
            AmazonDynamoDB client = CLIENTS.computeIfAbsent(endpoint + "|" + region, k -> {
                AmazonDynamoDBClientBuilder builder = AmazonDynamoDBClientBuilder.standard()
                        .withCredentials(DefaultAWSCredentialsProviderChain.getInstance());
                return endpoint.isEmpty() ? builder.withRegion(region).build()
                        : builder.withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(endpoint, region)).build();
            });
            Commits commits = new Commits(client, table, where);
            if (!READY.contains(endpoint + "|" + region + "|" + table)) {
                commits.ensureTable();
                READY.add(endpoint + "|" + region + "|" + table);
            }
            return commits;
        }

        /** A setting from the Hadoop configuration Delta hands the store (Spark copies its settings there), else Spark's own. */
        private static String setting(Configuration conf, String key, String otherwise) {
            String value = conf.getTrimmed(key, "");
            if (value.isEmpty() && org.apache.spark.SparkEnv.get() != null) {
                value = org.apache.spark.SparkEnv.get().conf().get(key, "").trim();
            }
            return value.isEmpty() ? otherwise : value;
        }

        /** Creates the table when it does not exist (another process may be doing the same) and waits until it is active. */
        private void ensureTable() throws IOException {
            call(() -> {
                try {
                    client.describeTable(table);
                } catch (ResourceNotFoundException missing) {
                    try {
                        client.createTable(new CreateTableRequest().withTableName(table)
                                .withAttributeDefinitions(new AttributeDefinition(TABLE_PATH, ScalarAttributeType.S),
                                        new AttributeDefinition(FILE_NAME, ScalarAttributeType.S))
                                .withKeySchema(new KeySchemaElement(TABLE_PATH, KeyType.HASH), new KeySchemaElement(FILE_NAME, KeyType.RANGE))
                                .withProvisionedThroughput(new ProvisionedThroughput(5L, 5L)));
                        LOG.info("Created the {} for Delta commits", where);
                    } catch (ResourceInUseException raced) {
                        // created by another writer meanwhile
                    }
                }
                return null;
            });
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!"ACTIVE".equals(call(() -> client.describeTable(table).getTable().getTableStatus()))) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("The " + where + " did not become ACTIVE within 120 s");
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted waiting for the " + where);
                }
            }
        }

        Optional<Entry> get(String tablePath, String fileName) throws IOException {
            Map<String, AttributeValue> item = call(() -> client.getItem(new GetItemRequest().withTableName(table)
                    .withKey(Map.of(TABLE_PATH, new AttributeValue(tablePath), FILE_NAME, new AttributeValue(fileName)))
                    .withConsistentRead(true)).getItem());
            return item == null || item.isEmpty() ? Optional.empty() : Optional.of(entry(item));
        }

        /** The entry of the table's highest version (file names are zero-padded, so string order is version order). */
        Optional<Entry> latest(String tablePath) throws IOException {
            List<Map<String, AttributeValue>> items = call(() -> client.query(new QueryRequest().withTableName(table)
                    .withKeyConditionExpression("#t = :t").withExpressionAttributeNames(Map.of("#t", TABLE_PATH))
                    .withExpressionAttributeValues(Map.of(":t", new AttributeValue(tablePath)))
                    .withScanIndexForward(false).withLimit(1).withConsistentRead(true)).getItems());
            return items.isEmpty() ? Optional.empty() : Optional.of(entry(items.get(0)));
        }

        /** Puts {@code entry} unless one exists for its file: whether this call put it. */
        boolean putIfAbsent(Entry entry) throws IOException {
            return call(() -> {
                try {
                    client.putItem(new PutItemRequest().withTableName(table).withItem(item(entry, 0))
                            .withConditionExpression("attribute_not_exists(#f)").withExpressionAttributeNames(Map.of("#f", FILE_NAME)));
                    return true;
                } catch (ConditionalCheckFailedException taken) {
                    return false;
                }
            });
        }

        void markComplete(Entry entry) throws IOException {
            long expire = System.currentTimeMillis() / 1000 + EXPIRE_SECONDS;
            call(() -> client.putItem(new PutItemRequest().withTableName(table).withItem(item(new Entry(entry.tablePath(), entry.fileName(),
                    entry.tempPath(), true), expire))));
        }

        private static Map<String, AttributeValue> item(Entry e, long expireTime) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put(TABLE_PATH, new AttributeValue(e.tablePath()));
            item.put(FILE_NAME, new AttributeValue(e.fileName()));
            item.put(TEMP_PATH, new AttributeValue(e.tempPath()));
            item.put(COMPLETE, new AttributeValue(Boolean.toString(e.complete())));
            if (expireTime > 0) {
                item.put(EXPIRE_TIME, new AttributeValue().withN(Long.toString(expireTime)));
            }
            return item;
        }

        private static Entry entry(Map<String, AttributeValue> item) {
            return new Entry(item.get(TABLE_PATH).getS(), item.get(FILE_NAME).getS(), item.get(TEMP_PATH).getS(),
                    "true".equals(item.get(COMPLETE).getS()));
        }

        private interface Call<T> {
            T run();
        }

        /** Runs a DynamoDB request; the SDK's errors (after its own retries) become an IOException naming the table. */
        private <T> T call(Call<T> request) throws IOException {
            try {
                return request.run();
            } catch (AmazonClientException e) {
                throw new IOException("The " + where + " of losslake's S3 multi-writer setup failed: " + e.getMessage(), e);
            }
        }
    }
}
