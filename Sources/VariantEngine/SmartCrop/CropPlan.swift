/// One planned crop: the rectangle in source pixels, its score, and the Cloudinary
/// transformation that delivers exactly that rectangle.
public struct CropPlan: Sendable, Codable, Equatable {
    /// The ratio asked for, written W:H ("16:9"; a decimal such as "1.5" becomes "3:2"), or "WxH"
    /// for an explicit window size. Results come in the order asked for.
    public var aspectRatio: String
    public var rect: SourceRect
    /// Share of the image's saliency inside the crop, 0...1.
    public var score: Double
    /// Faces inside the crop whole.
    public var facesKept: Int
    /// Faces sliced by the crop's edge (only when unavoidable: none could be kept otherwise).
    public var facesCut: Int

    public init(aspectRatio: String, rect: SourceRect, score: Double, facesKept: Int, facesCut: Int) {
        self.aspectRatio = aspectRatio
        self.rect = rect
        self.score = score
        self.facesKept = facesKept
        self.facesCut = facesCut
    }

    /// `c_crop,h_H,w_W,x_X,y_Y`: keys in ASCII order (the canonical form), source pixels.
    public var transformation: String {
        rect.cropComponent
    }
}
