package org.codomyrmex.policy.types;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A record-like type of the input models (Container, SecurityContext, ...), with known fields. A field the
 * schema does not list is a compile error with a suggestion. Fields are filled once while the schemas load
 * (types may refer to each other), then frozen.
 */
public final class ObjectType implements Type {
    private final String name;
    private final String doc;
    private Map<String, Field> fields = new LinkedHashMap<>();
    private ObjectType parent;
    private boolean frozen;

    public record Field(String name, Type type, String doc) {
    }

    public ObjectType(String name, String doc) {
        this.name = name;
        this.doc = doc;
    }

    public String name() {
        return name;
    }

    public String doc() {
        return doc;
    }

    @Override
    public String display() {
        return name;
    }

    public Map<String, Field> fields() {
        return fields;
    }

    public Optional<Field> field(String fieldName) {
        return Optional.ofNullable(fields.get(fieldName));
    }

    /** The type this one extends ({@code type KubeContainer extends Container}), if any. */
    public java.util.Optional<ObjectType> parent() {
        return java.util.Optional.ofNullable(parent);
    }

    /** Whether a value of this type may stand where {@code other} is expected: the same type or a descendant. */
    public boolean isA(ObjectType other) {
        for (ObjectType t = this; t != null; t = t.parent) {
            if (t.name.equals(other.name)) return true;
        }
        return false;
    }

    void setParent(ObjectType p) {
        if (frozen) throw new IllegalStateException("schema type " + name + " is frozen");
        this.parent = p;
    }

    void addField(Field f) {
        if (frozen) throw new IllegalStateException("schema type " + name + " is frozen");
        fields.put(f.name(), f);
    }

    void freeze() {
        frozen = true;
        fields = Collections.unmodifiableMap(fields);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectType other && other.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
