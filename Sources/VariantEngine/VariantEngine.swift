import CloudinaryTransform
import VipsCore

/// The engine's version, part of every cache key: bump it when a decision changes.
public let variantEngineVersion = "0.1.0"
