/// Values a command leaves for the operating system to reclaim when the process exits.
enum ProcessExit {
    /// Keeps `value` alive until the process ends, on purpose: freeing it is never done.
    ///
    /// For a command that exits right after its last use of a large value. A checked
    /// pipeline is millions of small objects (YAML-derived AST nodes, expressions,
    /// strings); releasing them one by one took about a tenth of `enrich lint`'s time
    /// on a 10,000-agent file, to give back memory the exit gives back anyway. Only for
    /// values whose deinitialisers do nothing but free memory (no files to flush or
    /// connections to close), and never in a loop: each call keeps its value for good.
    static func keepUntilExit<Value>(_ value: Value) {
        _ = Unmanaged.passRetained(Kept(value))
    }

    private final class Kept<Value> {
        let value: Value
        init(_ value: Value) { self.value = value }
    }
}
