import CVips
import Foundation

/// Stops libvips computations on one loaded image that run longer than a time limit.
///
/// libvips reports progress through the "eval" signal of the image an evaluation was started
/// from (and, for decoders that read the whole file first, of the loaded image itself). Each
/// report carries the image being computed and a timer started with that computation; when
/// the timer is past the limit, the watchdog sets that image's kill flag, libvips stops at the
/// next tile and the operation fails with "killed for image", which ``Image`` turns into
/// ``VipsError/Code/timeout``.
///
/// The limit applies to each computation separately (one decode plus the pipeline built on it,
/// ending in one encode, `pixels()` or `materialised()`): a quality search that encodes a
/// materialised image twenty times is twenty computations, not one. The check runs between
/// tiles, so a single tile that never finishes is not interrupted.
///
/// Every ``Image`` derived from the watched one keeps the watchdog; when the last of them goes,
/// the signal handler is disconnected. libvips's operation cache can hand two loads of the same
/// file the same `VipsImage`: both handlers are then connected and the shorter limit stops both.
final class Watchdog: @unchecked Sendable {
    // @unchecked: every stored property is immutable after init; the image pointer is only used
    // to disconnect the handler in deinit.

    /// What the signal handler reads: owned by the handler and released when it is disconnected
    /// (after any emission in flight on another thread has finished).
    ///
    /// The handler runs on whichever thread drives the evaluation, often a libvips worker that
    /// existed before this object. GLib's signal table (futex-based GMutex) orders the hand-off,
    /// but ThreadSanitizer cannot see that and reported the read in `onEval` as racing with the
    /// initialisation; the lock is an edge it does see, and costs one uncontended lock per tile.
    private final class Limit: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0.0
        init(seconds: Double) {
            lock.withLock { value = seconds }
        }
        var seconds: Double { lock.withLock { value } }
    }

    /// The limit each computation has.
    let limit: Duration
    private let image: UnsafeMutablePointer<VipsImage>
    private let handler: UInt

    /// Watches evaluations of `image` and of the images built on it.
    init(image: UnsafeMutablePointer<VipsImage>, limit: Duration) {
        self.limit = limit
        self.image = image
        cvips_ref(image)
        cvips_set_progress(image, 1)
        let data = Unmanaged.passRetained(Limit(seconds: limit.seconds)).toOpaque()
        handler = UInt(cvips_on_eval(image, Watchdog.onEval, data, Watchdog.release))
    }

    deinit {
        cvips_disconnect(image, CUnsignedLong(handler))
        cvips_unref(image)
    }

    private static let onEval: CVipsEvalFn = { _, progress, data in
        guard let progress, let data else { return }
        let limit = Unmanaged<Limit>.fromOpaque(data).takeUnretainedValue()
        if cvips_progress_seconds(progress) > limit.seconds, let computed = cvips_progress_image(progress) {
            cvips_set_kill(computed, 1)
        }
    }

    private static let release: GClosureNotify = { data, _ in
        guard let data else { return }
        Unmanaged<Limit>.fromOpaque(data).release()
    }

    /// Whether libvips's error text says an evaluation was killed (only a watchdog kills).
    static func wasKilled(_ error: VipsError) -> Bool {
        error.message.contains("killed for image")
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }

    /// "60 s", "0.5 s", "0.02 s": how limits are named in messages.
    var secondsDescription: String {
        let s = seconds
        if s == s.rounded() { return "\(Int(s)) s" }
        return "\(String(format: "%g", s)) s"
    }
}
