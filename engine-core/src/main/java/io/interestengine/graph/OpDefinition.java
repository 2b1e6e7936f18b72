package io.interestengine.graph;

import io.interestengine.json.Node;

/**
 * Defines one op kind: reads its {@code model.json} entry (every key checked, errors naming the op's index,
 * kind, key and value through {@code node}), its weights through the context, and returns the op with its
 * output values. Registered in {@link Ops}.
 */
public interface OpDefinition {
    String kind();

    /**
     * @param node the op's object; its path names the op ({@code graph[3](pool)})
     * @throws io.interestengine.ModelFormatException naming the key and value at fault
     */
    Op parse(OpContext ctx, Node node);
}
