import Foundation

/// Fork-join helpers over Dispatch for work that owns its memory until it returns: the
/// closures may capture pointers and mutable locals, which Dispatch's `@Sendable` API would
/// refuse, so they travel in an unchecked box. Each task must touch memory no other task does.
enum Parallel {
    /// Runs `body(0..<count)` on the calling thread or spread over the cores.
    static func forEach(_ count: Int, parallel: Bool = true, _ body: (Int) -> Void) {
        if parallel && count > 1 {
            withoutActuallyEscaping(body) { body in
                let task = UncheckedSendable(body)
                DispatchQueue.concurrentPerform(iterations: count) { task.value($0) }
            }
        } else {
            for index in 0..<count { body(index) }
        }
    }

    /// Runs `first` on the calling thread and `second` on another at the same time, and returns
    /// both results. Not through `forEach`: Dispatch runs an apply nested in another one
    /// serially, and either task may spread its own work over the cores.
    static func both<A, B>(_ first: () -> A, _ second: @escaping @Sendable () -> B) -> (A, B) {
        let slot = ResultSlot<B>()
        // A queue of its own, not the global one: that one runs no more threads than there are
        // cores, and the callers (the CLI's async main among them) may hold them all, so the
        // second task would wait for the first instead of running beside it.
        DispatchQueue(label: "variant.parallel.both").async {
            slot.result = second()
            slot.done.signal()
        }
        let a = first()
        slot.done.wait()
        return (a, slot.result!)
    }

    /// The same for tasks that throw: an error of either is thrown once both have finished
    /// (the first's when both fail).
    static func both<A, B>(throwing first: () throws -> A, _ second: @escaping @Sendable () throws -> B) throws -> (A, B) {
        let (a, b) = both({ Result(catching: first) }, { Result(catching: second) })
        return (try a.get(), try b.get())
    }
}

/// Where ``Parallel/both(_:_:)``'s second task leaves its result: written before the signal,
/// read after the wait.
private final class ResultSlot<Value>: @unchecked Sendable {
    var result: Value?
    let done = DispatchSemaphore(value: 0)
}

/// Carries closures that capture pointers or locals into Dispatch's `@Sendable` API (see
/// ``Parallel``).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
