package org.codomyrmex.policy.input.dockerfile;

/**
 * One {@code key=value} of ENV or LABEL, as written (quotes still in). {@code separator} is {@code "="} for the
 * {@code key=value} form and empty for the old {@code ENV key value} form, as in BuildKit's parse tree.
 */
public record KeyValue(Word key, Word value, String separator) {
}
