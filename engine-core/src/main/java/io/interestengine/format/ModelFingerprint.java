package io.interestengine.format;

import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Set;

/**
 * The identity of a model (what ties saved user states to it): SHA-256 over {@code model.json}, the safetensors
 * header (every tensor's name, dtype, shape and offsets) and the bytes of every tensor, except that an embedding
 * table larger than {@value #FULL_TABLE_BYTES} bytes is hashed by {@value #SAMPLED_PAGES} evenly spaced pages of
 * {@value #PAGE} bytes (its first and last included). Hashing a memory-mapped table in full would read the whole
 * file at load, which mapping exists to avoid; the rule depends on the tensor alone, never on the load options,
 * so a model loaded with and without mapping has one fingerprint.
 *
 * <p>What it guarantees: two models with equal fingerprints have the same configuration, the same tensor layout,
 * the same dense, attention, GRU and MIMN weights byte for byte, and the same small tables; their large tables agree
 * on the sampled pages. A retrained table differs almost everywhere, so it changes the fingerprint; an edit confined
 * to rows of a large table between the sampled pages does not.
 */
public final class ModelFingerprint {
    static final long FULL_TABLE_BYTES = 1 << 20;
    static final int PAGE = 4096;
    static final int SAMPLED_PAGES = 64;

    private ModelFingerprint() {
    }

    /**
     * The fingerprint: 32 hex digits (the first 128 bits of the SHA-256).
     *
     * @param tables names of the tensors that are embedding tables (the only ones that may be sampled)
     */
    public static String of(byte[] json, SafeTensors st, Collection<String> tables) {
        Set<String> sampled = Set.copyOf(tables);
        MessageDigest md = sha256();
        md.update(json);
        md.update(st.headerBytes().asByteBuffer());
        for (SafeTensors.Entry e : st.entries().values()) {
            MemorySegment data = st.bytes(e);
            if (sampled.contains(e.name()) && data.byteSize() > FULL_TABLE_BYTES) hashPages(md, data);
            else md.update(data.asByteBuffer());
        }
        return HexFormat.of().formatHex(md.digest(), 0, 16);
    }

    private static void hashPages(MessageDigest md, MemorySegment data) {
        long last = data.byteSize() - PAGE;
        for (int k = 0; k < SAMPLED_PAGES; k++) {
            long at = last * k / (SAMPLED_PAGES - 1);
            md.update(data.asSlice(at, PAGE).asByteBuffer());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
