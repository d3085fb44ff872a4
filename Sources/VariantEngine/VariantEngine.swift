// CloudinaryTransform's types are in the Engine's signatures too (`render` throws
// `TransformationError` and takes `any GravityResolver`): `import VariantEngine` alone names them.
@_exported import CloudinaryTransform
// VipsCore's public types are part of this module's API (`VipsError` is what a bad file throws,
// `LoadOptions` holds the process-wide limits, `ImageFormat` names formats): a sync tool that
// imports VariantEngine gets them without depending on a module that is not a product.
@_exported import VipsCore

/// The engine's release version.
public let variantEngineVersion = "0.1.0"

/// The release version and a digest of the sources it was built from ("0.1.0+6c1f…"): what plans
/// record and shards must agree on. Two builds that could decide differently never share it.
public let variantEngineBuild = "\(variantEngineVersion)+\(engineSourceDigest)"
