package org.codomyrmex.policy.types;

/**
 * Static types of the checker. {@code any} is the type of untyped document data: everything is allowed on it.
 * Since navigation is null-safe, every type also admits null; {@link Null} is the type of the literal alone.
 */
public sealed interface Type permits Type.Any, Type.Null, Type.Bool, Type.Int, Type.Float, Type.Str,
    Type.ListOf, Type.MapOf, ObjectType {

    String display();

    Any ANY = new Any();
    Null NULL = new Null();
    Bool BOOL = new Bool();
    Int INT = new Int();
    Float FLOAT = new Float();
    Str STRING = new Str();

    record Any() implements Type {
        public String display() { return "any"; }
    }

    record Null() implements Type {
        public String display() { return "null"; }
    }

    record Bool() implements Type {
        public String display() { return "bool"; }
    }

    record Int() implements Type {
        public String display() { return "int"; }
    }

    record Float() implements Type {
        public String display() { return "float"; }
    }

    record Str() implements Type {
        public String display() { return "string"; }
    }

    record ListOf(Type element) implements Type {
        public String display() { return "list<" + element.display() + ">"; }
    }

    /** A map with string keys whose values all have one type (labels, annotations, ...). */
    record MapOf(Type value) implements Type {
        public String display() { return "map<" + value.display() + ">"; }
    }

    static ListOf list(Type element) {
        return new ListOf(element);
    }

    static MapOf map(Type value) {
        return new MapOf(value);
    }

    static boolean isNumeric(Type t) {
        return t instanceof Int || t instanceof Float;
    }

    /**
     * Whether a value of type {@code actual} may be used where {@code expected} is wanted. {@code any} fits both
     * ways (it is checked at run time), ints widen to floats, null fits everywhere, objects fit maps.
     */
    static boolean assignable(Type expected, Type actual) {
        if (expected instanceof Any || actual instanceof Any || actual instanceof Null) return true;
        if (expected instanceof Float && actual instanceof Int) return true;
        if (expected instanceof ListOf e && actual instanceof ListOf a) return assignable(e.element(), a.element());
        if (expected instanceof MapOf e && actual instanceof MapOf a) return assignable(e.value(), a.value());
        if (expected instanceof MapOf && actual instanceof ObjectType) return true;
        if (expected instanceof ObjectType && actual instanceof MapOf) return true;
        if (expected instanceof ObjectType e && actual instanceof ObjectType a) return a.isA(e);
        return expected.equals(actual);
    }

    /** Whether two values of these types could ever be equal (else the comparison is always false). */
    static boolean comparable(Type a, Type b) {
        return assignable(a, b) || assignable(b, a);
    }

    /** The common type of two branches, {@code any} when they differ. */
    static Type join(Type a, Type b) {
        if (a instanceof Null) return b;
        if (b instanceof Null) return a;
        if (a.equals(b)) return a;
        if (isNumeric(a) && isNumeric(b)) return FLOAT;
        if (a instanceof ObjectType x && b instanceof ObjectType y) {
            if (y.isA(x)) return x;
            if (x.isA(y)) return y;
        }
        return ANY;
    }
}
