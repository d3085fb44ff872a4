import Foundation
import Testing
@testable import VariantEngine

/// The bound on single operations (Engine.concurrentOperations): it is what keeps fifty
/// optimisations started at once from holding fifty decodes in memory.
@Suite("Engine: operations in turns")
struct OperationLimiterTests {
    /// Records what ran, in order, and how many ran at once.
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var now = 0
        private(set) var most = 0
        private(set) var order: [String] = []
        func enter(_ name: String) { lock.withLock { now += 1; most = max(most, now); order.append(name) } }
        func leave() { lock.withLock { now -= 1 } }
        var snapshot: (most: Int, order: [String]) { lock.withLock { (most, order) } }
    }

    /// Waits (briefly, polling) until `condition` holds; false when it never does.
    static func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return condition()
    }

    @Test("at most the limit run at once, and every operation runs")
    func bounded() async throws {
        let limiter = OperationLimiter(limit: 2), log = Log()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<8 {
                group.addTask {
                    try await limiter.run {
                        log.enter("\(i)")
                        try await Task.sleep(for: .milliseconds(15))
                        log.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(log.snapshot.most == 2)
        #expect(limiter.peak == 2)
        #expect(log.snapshot.order.count == 8)
        #expect(limiter.waiting == 0)
    }

    @Test("turns go first come, first served")
    func order() async throws {
        let limiter = OperationLimiter(limit: 1), log = Log()
        try await limiter.acquire()
        var tasks: [Task<Void, Error>] = []
        for name in ["b", "c", "d"] {
            tasks.append(Task { try await limiter.run { log.enter(name); log.leave() } })
            let queued = tasks.count
            #expect(await Self.eventually { limiter.waiting == queued })
        }
        #expect(log.snapshot.order.isEmpty, "nothing runs while the only turn is held")
        limiter.release()
        for task in tasks { try await task.value }
        #expect(log.snapshot.order == ["b", "c", "d"])
    }

    @Test("a waiting task that is cancelled leaves the queue at once; the turn still goes round")
    func cancelWhileWaiting() async throws {
        let limiter = OperationLimiter(limit: 1)
        try await limiter.acquire()
        let waiting = Task { try await limiter.acquire() }
        #expect(await Self.eventually { limiter.waiting == 1 })
        waiting.cancel()
        // It ends while the only turn is still held: it did not wait for the turn to come round.
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(limiter.waiting == 0)
        limiter.release()
        // The turn is free again: the next caller gets it without waiting.
        try await limiter.acquire()
        limiter.release()
        // A task cancelled before it asks does not queue at all.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await limiter.acquire()
        }
        await #expect(throws: CancellationError.self) { try await early.value }
        #expect(limiter.waiting == 0 && limiter.peak == 1)
    }

    @Test("a larger limit lets waiting operations start without a release")
    func raise() async throws {
        let limiter = OperationLimiter(limit: 1)
        try await limiter.acquire()
        let second = Task { try await limiter.acquire() }
        #expect(await Self.eventually { limiter.waiting == 1 })
        limiter.setLimit(2)
        try await second.value
        #expect(limiter.peak == 2 && limiter.currentLimit == 2)
        limiter.release()
        limiter.release()
    }

    @Test("the engine's limit is the processor count by default, and under 1 is refused")
    func engineLimit() throws {
        #expect(Engine.concurrentOperations == max(1, ProcessInfo.processInfo.activeProcessorCount))
        let error = #expect(throws: EngineError.self) { try Engine.limitConcurrentOperations(to: 0) }
        #expect(error?.message == "expected 1 or more concurrent operations but received 0")
        #expect(Engine.concurrentOperations == max(1, ProcessInfo.processInfo.activeProcessorCount))
    }
}
