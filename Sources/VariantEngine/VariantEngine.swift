import CloudinaryTransform
// VipsCore's public types are part of this module's API (`VipsError` is what a bad file throws,
// `LoadOptions` holds the process-wide limits, `ImageFormat` names formats): a sync tool that
// imports VariantEngine gets them without depending on a module that is not a product.
@_exported import VipsCore

/// The engine's version, part of every cache key: bump it when a decision changes.
public let variantEngineVersion = "0.1.0"
