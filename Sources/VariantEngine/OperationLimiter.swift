import Foundation

/// Bounds how many operations do their pixel work at once: the others wait their turn, first
/// come first served, and a waiting task that is cancelled leaves the queue at once.
///
/// What it protects is memory as much as the cores: every operation decodes a source and may
/// hold several copies of a variant (the optimiser about 80 bytes a pixel), and without a bound
/// a caller that starts fifty optimisations gets as many dispatch threads, each with its own
/// libvips pipeline.
final class OperationLimiter: @unchecked Sendable {
    // @unchecked: every mutable property is guarded by `lock`.
    private let lock = NSLock()
    private var limit: Int
    private var running = 0
    private var highest = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, Error>)] = []
    private var lastID: UInt64 = 0

    init(limit: Int) {
        precondition(limit >= 1, "a limiter needs room for one operation")
        self.limit = limit
    }

    /// The number of operations allowed at once.
    var currentLimit: Int { lock.withLock { limit } }

    /// The most operations that ever held a turn at the same time, and how many wait now (for tests).
    var peak: Int { lock.withLock { highest } }
    var waiting: Int { lock.withLock { waiters.count } }

    /// Changes the limit; a larger one lets waiting operations start now.
    func setLimit(_ newLimit: Int) {
        precondition(newLimit >= 1, "a limiter needs room for one operation")
        let woken = lock.withLock { () -> [CheckedContinuation<Void, Error>] in
            limit = newLimit
            return admitWaiters()
        }
        woken.forEach { $0.resume() }
    }

    /// Waits for a turn. Throws `CancellationError` when the task is cancelled before it gets one.
    func acquire() async throws {
        try Task.checkCancellation()
        let id = lock.withLock { () -> UInt64 in
            lastID &+= 1
            return lastID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                lock.lock()
                if running < limit && waiters.isEmpty {
                    take()
                    lock.unlock()
                    continuation.resume()
                } else if Task.isCancelled {
                    // Cancelled before it queued: the cancellation handler has found nothing to remove.
                    lock.unlock()
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append((id, continuation))
                    lock.unlock()
                }
            }
        } onCancel: {
            let waiting = lock.withLock { () -> CheckedContinuation<Void, Error>? in
                guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return waiters.remove(at: index).continuation
            }
            waiting?.resume(throwing: CancellationError())
        }
    }

    /// Gives a turn back: the longest waiting operation gets it.
    func release() {
        let woken = lock.withLock { () -> [CheckedContinuation<Void, Error>] in
            running -= 1
            return admitWaiters()
        }
        woken.forEach { $0.resume() }
    }

    /// Runs `work` in a turn.
    func run<T: Sendable>(_ work: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await work()
    }

    /// Under the lock: the waiters that now fit, counted as running.
    private func admitWaiters() -> [CheckedContinuation<Void, Error>] {
        var admitted: [CheckedContinuation<Void, Error>] = []
        while running < limit, !waiters.isEmpty {
            take()
            admitted.append(waiters.removeFirst().continuation)
        }
        return admitted
    }

    private func take() {
        running += 1
        highest = max(highest, running)
    }
}
