/**
 * The builtin functions of the policy language: one table ({@link
 * org.codomyrmex.policy.runtime.builtins.BuiltinRegistry}), filled by one class per category (strings,
 * conversion, regex, glob, collections, numbers, quantities, images, ports, time, encoding).
 *
 * <p>Conventions every builtin keeps, checked by {@code BuiltinRegistryTest}:
 * <ul>
 *   <li>A snake_case name a Kubernetes or Docker user would guess, and one name per operation.</li>
 *   <li>Typed parameters and a result type for the checker. Maps with known fields have an object type in
 *       {@code schema/builtins.schema} ({@code ImageRef}, {@code PortSpec}, {@code PortRange}). A result declared
 *       {@code float} may be an int at run time where the doc says so ({@code abs}, {@code sum}): ints widen.</li>
 *   <li>Total: on a value of the wrong kind, null, or text it cannot read, the implementation returns null. It
 *       never throws and its work is bounded by the size of its arguments (regexes run on RE2J, linear time).</li>
 *   <li>A doc sentence and an example expression that evaluates to true; both appear in the generated
 *       reference ({@link org.codomyrmex.policy.runtime.builtins.BuiltinDocs}).</li>
 * </ul>
 */
package org.codomyrmex.policy.runtime.builtins;
