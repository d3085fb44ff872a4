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

    /// The limit each computation has (nil: none, only the cancellation).
    let limit: Duration?
    /// Stops every computation once cancelled; kept alive here while the handler can read it.
    let cancellation: VipsCancellation?
    private let image: UnsafeMutablePointer<VipsImage>
    private let handler: UInt
    /// Shared with the handler; freed by GLib when the handler is disconnected (in deinit).
    private let watch: UnsafeMutablePointer<CVipsWatch>

    /// Why a watchdog stopped a computation.
    enum Firing { case limit, cancellation }

    /// Watches evaluations of `image` and of the images built on it.
    init(image: UnsafeMutablePointer<VipsImage>, limit: Duration?, cancellation: VipsCancellation? = nil) {
        self.limit = limit
        self.cancellation = cancellation
        self.image = image
        cvips_ref(image)
        cvips_set_progress(image, 1)
        watch = cvips_watch_new(limit?.seconds ?? .infinity, cancellation?.flag)
        handler = UInt(cvips_on_eval(image, Watchdog.onEval, UnsafeMutableRawPointer(watch), cvips_watch_free))
    }

    /// The same watch over another image (a materialised copy, whose computations do not
    /// signal on the image it was copied from).
    func watching(_ other: UnsafeMutablePointer<VipsImage>) -> Watchdog {
        Watchdog(image: other, limit: limit, cancellation: cancellation)
    }

    /// Why this watchdog stopped an evaluation since the last call, if it did. A stopped
    /// computation usually fails with libvips's "killed for image", but a loader may fail first
    /// with its own words, and libvips's message buffer is one for the whole process, so
    /// another thread can take the message: the flag, not the text, says what happened.
    func tookFiring() -> Firing? {
        switch cvips_watch_take(watch) {
        case 1: .limit
        case 2: .cancellation
        default: nil
        }
    }

    /// Whether this watchdog has stopped any computation, even one another caller already
    /// reported through ``tookFiring()``.
    var hasEverFired: Bool { cvips_watch_ever_fired(watch) != 0 }

    deinit {
        cvips_disconnect(image, CUnsignedLong(handler))
        // The watched image may be a thumbnail, whose pipeline goes with it (see Vips.orcLock).
        Vips.guardingOrc { cvips_unref(image) }
    }

    /// The handler runs on whichever thread drives the evaluation, often a libvips worker that
    /// existed before this watchdog. GLib's signal table orders the hand-off with its futex-based
    /// GMutex, which ThreadSanitizer does not see: a limit read from memory this thread wrote
    /// with plain stores (even a lock's own field) was reported as a race. So the shared state
    /// (``CVipsWatch``) is only read and written with atomics.
    private static let onEval: CVipsEvalFn = { _, progress, data in
        guard let progress, let data else { return }
        let watch = data.assumingMemoryBound(to: CVipsWatch.self)
        if cvips_watch_should_stop(watch, cvips_progress_seconds(progress)) != 0, let computed = cvips_progress_image(progress) {
            cvips_set_kill(computed, 1)
        }
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

/// Stops the libvips computations of the images loaded with it (``LoadOptions/cancellation``)
/// at their next tile: they fail with ``VipsError/Code/cancelled``. Cancelling is for good:
/// later computations on those images stop at their first tile too (one that ends within a
/// single tile completes); ``Image/checkCancellation()`` asks between calls. Any thread may cancel.
///
/// ```swift
/// let cancellation = VipsCancellation()
/// let image = try Image.load(path: "huge.tif", options: LoadOptions(cancellation: cancellation))
/// // elsewhere: cancellation.cancel()
/// ```
public final class VipsCancellation: @unchecked Sendable {
    // @unchecked: `flag` is only read and written with atomics (the shim's cvips_flag_*).
    let flag: UnsafeMutablePointer<Int32>

    public init() { flag = cvips_flag_new() }

    deinit { cvips_flag_free(flag) }

    /// Stops the computations now running at their next tile, and every later one.
    public func cancel() { cvips_flag_set(flag) }

    public var isCancelled: Bool { cvips_flag_get(flag) != 0 }
}

/// Two cancellations are equal when they are the same one (``LoadOptions`` compares them so).
extension VipsCancellation: Equatable {
    public static func == (a: VipsCancellation, b: VipsCancellation) -> Bool { a === b }
}
