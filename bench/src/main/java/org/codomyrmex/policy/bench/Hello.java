package org.codomyrmex.policy.bench;

/** The start baseline: the smallest useful Java program, run as {@code java -jar hello.jar}. */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
