/// `q_auto` levels and the SSIMULACRA2 score each must reach.
///
/// The targets are the engine's reading of Cloudinary's levels on the SSIMULACRA2 scale
/// (about 90 is visually lossless, 70 high quality, 50 medium); plain `q_auto` means `good`.
public enum QualityLevel: String, Sendable, Codable, CaseIterable {
    case best, good, eco, low

    /// The default target of the level: best 85, good 75, eco 65, low 55.
    public var defaultTarget: Double {
        switch self {
        case .best: 85
        case .good: 75
        case .eco: 65
        case .low: 55
        }
    }

    /// Parses `best`, `good`, `eco`, `low` (and `q_auto`'s empty level as `good`).
    public init?(cloudinary text: String) {
        if text.isEmpty { self = .good; return }
        self.init(rawValue: text)
    }
}

/// The score targets per level; configurable, defaulting to ``QualityLevel/defaultTarget``.
public struct QualityTargets: Sendable, Codable, Equatable {
    public var best: Double = QualityLevel.best.defaultTarget
    public var good: Double = QualityLevel.good.defaultTarget
    public var eco: Double = QualityLevel.eco.defaultTarget
    public var low: Double = QualityLevel.low.defaultTarget

    public init() {}

    public func target(for level: QualityLevel) -> Double {
        switch level {
        case .best: best
        case .good: good
        case .eco: eco
        case .low: low
        }
    }
}
