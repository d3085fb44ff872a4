import CVips

/// Which way ``Image/thumbnail(path:width:options:maxPixels:timeout:cancellation:)`` may change the size.
public enum ThumbnailSize: Int32, Sendable {
    case both = 0, upOnly = 1, downOnly = 2, force = 3
}

/// libvips's content-aware crop strategies (for comparison with our own smart crop).
public enum Interesting: Int32, Sendable {
    case none = 0, centre, entropy, attention, low, high, all
}

/// Options for ``Image/thumbnail(path:width:options:maxPixels:timeout:cancellation:)``.
public struct ThumbnailOptions: Sendable {
    /// Target height; nil keeps the aspect ratio from `width`.
    public var height: Int?
    public var size: ThumbnailSize = .both
    /// Whether EXIF orientation is applied (default true).
    public var autoRotate = true
    /// Crop to exactly width × height with this strategy, or `.none` to fit inside.
    public var crop: Interesting = .none
    /// How damaged data is treated.
    public var strictness: DecodeStrictness = .failOnTruncation

    public init(height: Int? = nil, size: ThumbnailSize = .both, autoRotate: Bool = true,
                crop: Interesting = .none, strictness: DecodeStrictness = .failOnTruncation) {
        self.height = height
        self.size = size
        self.autoRotate = autoRotate
        self.crop = crop
        self.strictness = strictness
    }

    /// The options for a source the loader named `loader` reads (``DecodeStrictness/failOn(loader:)``).
    func c(loader: String? = nil) -> CVipsThumbnailOptions {
        CVipsThumbnailOptions(
            height: Int32(clamping: height ?? 10_000_000), size: size.rawValue, no_rotate: autoRotate ? 0 : 1,
            crop: crop.rawValue, linear: 0, fail_on: strictness.failOn(loader: loader))
    }
}

/// Resampling kernels.
public enum ResizeKernel: Int32, Sendable {
    case nearest = 0, linear, cubic, mitchell, lanczos2, lanczos3
}

/// How ``Image/embed(x:y:width:height:extend:background:)`` fills the new area.
public enum Extend: Int32, Sendable {
    case black = 0, copy, `repeat`, mirror, white, background
}

extension Image {
    /// Loads and shrinks a file in one step, decoding at reduced size where the format allows
    /// (JPEG shrink-on-load, WebP and HEIF scaling, pyramid levels): the fast path.
    /// Refuses files over `maxPixels` before decoding; computations on the result are stopped
    /// past `timeout` (see ``LoadOptions/timeout``).
    public static func thumbnail(
        path: String, width: Int, options: ThumbnailOptions = ThumbnailOptions(),
        maxPixels: Int = LoadOptions.defaultMaxPixels, timeout: Duration? = LoadOptions.defaultTimeout,
        cancellation: VipsCancellation? = nil
    ) throws -> Image {
        // Reads the header (and checks the pixel limit) before any decoding.
        let header = try load(path: path, options: LoadOptions(maxPixels: maxPixels, timeout: nil))
        var out: UnsafeMutablePointer<VipsImage>? = nil
        let status = Vips.guardingOrc { cvips_thumbnail_file(path, &out, Int32(clamping: width), options.c(loader: header.loader)) }
        guard status == 0, let out else {
            throw namingDecodeFailure(VipsError.fromLibvips(.decodeFailed, context: path), context: path)
        }
        return Image(owning: out, source: path, timeout: timeout, cancellation: cancellation)
    }

    /// Shrinks an already-open image (no shrink-on-load: prefer the path variant).
    public func thumbnail(width: Int, options: ThumbnailOptions = ThumbnailOptions()) throws -> Image {
        try apply("thumbnail_image") { cvips_thumbnail_image(pointer, $0, Int32(clamping: width), options.c()) }
    }

    /// The rectangle `width` × `height` at (`left`, `top`).
    public func extractArea(left: Int, top: Int, width: Int, height: Int) throws -> Image {
        guard left >= 0, top >= 0, width > 0, height > 0, left + width <= self.width, top + height <= self.height else {
            throw VipsError(.invalidArgument, "area \(width)×\(height)+\(left)+\(top) is outside the \(self.width)×\(self.height) image", context: source)
        }
        if left == 0, top == 0, width == self.width, height == self.height { return self }
        return try apply("extract_area") {
            cvips_extract_area(pointer, $0, Int32(left), Int32(top), Int32(width), Int32(height))
        }
    }

    /// Resamples by the given factors (vertical defaults to horizontal).
    public func resized(horizontal: Double, vertical: Double? = nil, kernel: ResizeKernel = .lanczos3) throws -> Image {
        try apply("resize") { cvips_resize(pointer, $0, horizontal, vertical ?? horizontal, kernel.rawValue) }
    }

    /// Resamples to exactly `width` × `height`, correcting libvips's own rounding if needed.
    public func resized(toWidth width: Int, height: Int, kernel: ResizeKernel = .lanczos3) throws -> Image {
        guard width > 0, height > 0 else {
            throw VipsError(.invalidArgument, "cannot resize to \(width)×\(height)", context: source)
        }
        if width == self.width, height == self.height { return self }
        var image = try resized(
            horizontal: Double(width) / Double(self.width), vertical: Double(height) / Double(self.height), kernel: kernel)
        if image.width != width || image.height != height {
            // vips_resize rounds its output size itself; trim or extend by the odd pixel.
            if image.width >= width, image.height >= height {
                image = try image.extractArea(left: 0, top: 0, width: width, height: height)
            } else {
                image = try image.embed(x: 0, y: 0, width: width, height: height, extend: .copy)
            }
        }
        return image
    }

    /// ``resized(toWidth:height:kernel:)`` with the colour multiplied by alpha while it is
    /// resampled, as libvips's thumbnail resizes: otherwise the colour hidden under transparent
    /// pixels bleeds into the visible edge (a white shape on transparent red came out with pink
    /// edges when enlarged). The result has the image's band format; one without alpha is resized
    /// as is.
    public func resizedPremultiplied(toWidth width: Int, height: Int, kernel: ResizeKernel = .lanczos3) throws -> Image {
        guard hasAlpha, width != self.width || height != self.height else {
            return try resized(toWidth: width, height: height, kernel: kernel)
        }
        let format = cvips_band_format(pointer)
        // Rounded, not truncated, back to an integer format: vips_cast truncates, which left
        // every such image up to a level darker, all over (found in review; libvips's thumbnail
        // has the same bias). A float image is cast as it is.
        let float = [VIPS_FORMAT_FLOAT, VIPS_FORMAT_DOUBLE, VIPS_FORMAT_COMPLEX, VIPS_FORMAT_DPCOMPLEX].contains { Int32($0.rawValue) == format }
        let unpremultiplied = try premultiplied().resized(toWidth: width, height: height, kernel: kernel).unpremultiplied()
        let resized = float ? unpremultiplied : try unpremultiplied.linear(1, 0.5)
        return try resized.apply("cast") { cvips_cast(resized.pointer, $0, format) }
    }

    /// Places the image at (`x`, `y`) on a `width` × `height` canvas.
    public func embed(x: Int, y: Int, width: Int, height: Int, extend: Extend = .background, background: [Double] = [0]) throws -> Image {
        try apply("embed") {
            cvips_embed(pointer, $0, Int32(x), Int32(y), Int32(width), Int32(height), extend.rawValue, background, Int32(background.count))
        }
    }

    /// Removes alpha by compositing over `background`.
    public func flattened(background: [Double]) throws -> Image {
        guard hasAlpha else { return self }
        return try apply("flatten") { cvips_flatten(pointer, $0, background, Int32(background.count)) }
    }

    /// Rotates by any angle in degrees (clockwise); angles that are multiples of 90 are exact,
    /// others enlarge the canvas to the rotated bounding box filled with `background`.
    public func rotated(degrees: Double, background: [Double] = [0]) throws -> Image {
        let normalised = degrees.truncatingRemainder(dividingBy: 360)
        let positive = normalised < 0 ? normalised + 360 : normalised
        switch positive {
        case 0: return self
        case 90: return try apply("rot") { cvips_rot(pointer, $0, Int32(VIPS_ANGLE_D90.rawValue)) }
        case 180: return try apply("rot") { cvips_rot(pointer, $0, Int32(VIPS_ANGLE_D180.rawValue)) }
        case 270: return try apply("rot") { cvips_rot(pointer, $0, Int32(VIPS_ANGLE_D270.rawValue)) }
        default:
            return try apply("rotate") { cvips_rotate(pointer, $0, positive, background, Int32(background.count)) }
        }
    }

    /// Mirrors left-right (`horizontal`) or top-bottom.
    public func flipped(horizontal: Bool) throws -> Image {
        try apply("flip") {
            cvips_flip(pointer, $0, Int32(horizontal ? VIPS_DIRECTION_HORIZONTAL.rawValue : VIPS_DIRECTION_VERTICAL.rawValue))
        }
    }

    /// libvips's own smart crop to `width` × `height`, with the attention centre it reports
    /// (meaningful for `.attention` only).
    public func libvipsSmartCrop(width: Int, height: Int, interesting: Interesting) throws -> (image: Image, attentionX: Int, attentionY: Int) {
        var x: Int32 = 0
        var y: Int32 = 0
        let image = try apply("smartcrop") {
            cvips_smartcrop(pointer, $0, Int32(width), Int32(height), interesting.rawValue, &x, &y)
        }
        return (image, Int(x), Int(y))
    }
}
