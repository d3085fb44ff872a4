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
        handler = UInt(cvips_on_eval(image, Watchdog.onEval, Watchdog.word(limit.seconds), nil))
    }

    deinit {
        cvips_disconnect(image, CUnsignedLong(handler))
        cvips_unref(image)
    }

    /// The handler runs on whichever thread drives the evaluation, often a libvips worker that
    /// existed before this watchdog. GLib's signal table orders the hand-off with its futex-based
    /// GMutex, which ThreadSanitizer does not see: a limit read from memory this thread wrote
    /// (even a lock's own field) was reported as a race. So the limit travels in the handler's
    /// data word itself, the bits of a `Double`, and the handler reads no shared memory at all.
    private static let onEval: CVipsEvalFn = { _, progress, data in
        guard let progress else { return }
        if cvips_progress_seconds(progress) > seconds(data), let computed = cvips_progress_image(progress) {
            cvips_set_kill(computed, 1)
        }
    }

    /// `seconds` as a pointer-sized word (nil for 0).
    static func word(_ seconds: Double) -> UnsafeMutableRawPointer? {
        UnsafeMutableRawPointer(bitPattern: UInt(truncatingIfNeeded: seconds.bitPattern))
    }

    /// The seconds a ``word(_:)`` holds.
    static func seconds(_ word: UnsafeMutableRawPointer?) -> Double {
        Double(bitPattern: UInt64(truncatingIfNeeded: UInt(bitPattern: word)))
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
