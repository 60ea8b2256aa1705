package org.codomyrmex.policy.input;

import org.codomyrmex.policy.model.InputKind;

/**
 * Reads one input format into documents of the model. A loader never throws on bad input: every problem
 * becomes a located diagnostic in the result, and whatever could be read is still returned.
 */
public interface InputLoader {
    InputKind kind();

    LoadResult load(InputSource source, LoadOptions options);
}
