import CloudinaryTransform
import Foundation

/// Splitting a campaign across machines and joining the pieces.
///
/// `--shard I/N` keeps the assets whose base public id hashes to I (the first 8 bytes of its
/// SHA-256, big-endian, modulo N, plus 1): the same on every machine, independent of the order
/// of the manifest, and overrides stay with their asset. Each shard writes a plan holding its
/// assets and `"shard": {"index": I, "count": N}`; ``merge(_:)`` checks the shards belong
/// together and returns exactly the plan a single run gives (assets sorted by `id`, the summary
/// recomputed, no `shard`), so that `PlanJSON.encode` of both is the same bytes.
///
/// ```swift
/// let shards = try paths.map(PlanJSON.read(path:))
/// let plan = try Sharding.merge(shards)
/// try AtomicFile.write(PlanJSON.encode(plan), to: "plan.json")
/// ```
public enum Sharding {
    /// The shard (1...count) an asset belongs to.
    public static func shard(of publicId: String, count: Int) -> Int {
        guard count > 1 else { return 1 }
        let digest = SHA256.hash(publicId).bytes
        let prefix = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(prefix % UInt64(count)) + 1
    }

    /// Joins shard plans into the whole plan.
    /// - Throws: `EngineError(.invalidArgument)` when the plans are of different manifests or
    ///   engine versions, when a shard is missing or given twice, or an asset appears twice.
    public static func merge(_ plans: [Plan]) throws -> Plan {
        guard let first = plans.first else { throw EngineError(.invalidArgument, "no plan to merge") }
        for plan in plans.dropFirst() {
            guard plan.manifestHash == first.manifestHash else {
                throw EngineError(.invalidArgument, "the plans are of different manifests (\(first.manifestHash.prefix(12)) and \(plan.manifestHash.prefix(12)))")
            }
            guard plan.engineVersion == first.engineVersion else {
                throw EngineError(.invalidArgument, "the plans come from engine versions \(first.engineVersion) and \(plan.engineVersion)")
            }
        }
        let shards = plans.compactMap(\.shard)
        if shards.count == plans.count {
            let count = first.shard!.count
            guard shards.allSatisfy({ $0.count == count }) else {
                throw EngineError(.invalidArgument, "the plans are shards of different splits (\(shards.map(\.description).joined(separator: ", ")))")
            }
            let indices = shards.map(\.index)
            let repeated = Set(indices.filter { index in indices.filter { $0 == index }.count > 1 }).sorted()
            guard repeated.isEmpty else {
                throw EngineError(.invalidArgument, "shard(s) \(repeated.map { "\($0)/\(count)" }.joined(separator: ", ")) given more than once")
            }
            let missing = (1...count).filter { !indices.contains($0) }
            guard missing.isEmpty else {
                throw EngineError(.invalidArgument, "shard(s) \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) missing")
            }
            // The plan does not record the options it was made with, but how each variant was
            // decided shows the one that matters most: shards of a --fixed-quality run and of an
            // optimising run would join into a plan no single run gives.
            let modes = plans.map { Set($0.assets.flatMap { $0.placements.flatMap { $0.variants.map(\.decidedBy) } }) }
            let all = modes.reduce(Set<String>()) { $0.union($1) }
            guard all.count <= 1 else {
                throw EngineError(.invalidArgument, "the shards were decided differently (\(all.sorted().joined(separator: " and "))): "
                                    + "plan every shard with the same options")
            }
        } else if plans.count > 1 {
            throw EngineError(.invalidArgument, "only shard plans (made with --shard) can be merged")
        }
        var assets: [PlannedAsset] = []
        var seen = Set<String>()
        for asset in plans.flatMap(\.assets) {
            guard seen.insert(asset.id).inserted else {
                throw EngineError(.invalidArgument, "asset \(asset.id) appears in more than one plan")
            }
            assets.append(asset)
        }
        assets.sort { $0.id < $1.id }
        var merged = first
        merged.shard = nil
        merged.assets = assets
        merged.summary = PlanSummary(assets: assets)
        return merged
    }
}
