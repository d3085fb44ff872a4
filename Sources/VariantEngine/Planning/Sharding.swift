import CloudinaryTransform
import Foundation

/// Splitting a campaign across machines and joining the pieces.
///
/// `--shard I/N` keeps the assets whose base public id hashes to I (the first 8 bytes of its
/// SHA-256, big-endian, modulo N, plus 1): the same on every machine, independent of the order
/// of the manifest, and overrides stay with their asset. Each shard writes a plan holding its
/// assets and `"shard": {"index": I, "count": N}`; ``merge(_:names:)`` checks the shards belong
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
    ///   engine versions, when a shard is missing or given twice, when a plan's assets do not add
    ///   up to its summary (a file cut short, or edited so that its counts change; an edit that
    ///   keeps them, such as a changed URL, is not detected), or an asset appears twice.
    /// - Parameter names: What to call each plan in messages (its file), in the same order.
    public static func merge(_ plans: [Plan], names: [String]? = nil) throws -> Plan {
        guard let first = plans.first else { throw EngineError(.invalidArgument, "no plan to merge") }
        func name(_ i: Int) -> String { names.flatMap { i < $0.count ? $0[i] : nil } ?? "plan \(i + 1)" }
        for (i, plan) in plans.enumerated().dropFirst() {
            guard plan.manifestHash == first.manifestHash else {
                throw EngineError(.invalidArgument, "the plans are of different manifests (\(name(0)): \(first.manifestHash.prefix(12)), \(name(i)): \(plan.manifestHash.prefix(12)))")
            }
            guard plan.engineVersion == first.engineVersion else {
                throw EngineError(.invalidArgument, "the plans come from engine versions \(first.engineVersion) (\(name(0))) and \(plan.engineVersion) (\(name(i)))")
            }
        }
        let shards = plans.compactMap(\.shard)
        if shards.count == plans.count {
            // A shard field edited by hand (or by a broken writer) must not reach the ranges below.
            if let bad = shards.first(where: { $0.count < 1 || !(1...$0.count).contains($0.index) }) {
                throw EngineError(.invalidArgument, "a plan says it is shard \(bad): a shard is I/N with 1 ≤ I ≤ N")
            }
            let count = first.shard!.count
            guard shards.allSatisfy({ $0.count == count }) else {
                throw EngineError(.invalidArgument, "the plans are shards of different splits (\(shards.map(\.description).joined(separator: ", ")))")
            }
            var given: [Int: [Int]] = [:]
            for (i, shard) in shards.enumerated() { given[shard.index, default: []].append(i) }
            let repeated = given.filter { $0.value.count > 1 }.sorted { $0.key < $1.key }
            guard repeated.isEmpty else {
                let described = repeated.map { index, plans in
                    "\(index)/\(count)" + (names == nil ? "" : " (\(plans.map(name).joined(separator: ", ")))")
                }
                throw EngineError(.invalidArgument, "shard(s) \(described.joined(separator: ", ")) given more than once")
            }
            if given.count < count {
                // Name the first few: a split of a million shards must not list them all.
                let named = (1...count).lazy.filter { given[$0] == nil }.prefix(10).map { "\($0)/\(count)" }
                let more = count - given.count > named.count ? " and \(count - given.count - named.count) more" : ""
                throw EngineError(.invalidArgument, "shard(s) \(named.joined(separator: ", "))\(more) missing")
            }
            // Shards of a --fixed-quality run and of an optimising one, signed and unsigned (or
            // with different secrets), checked as of different days, or loaded under different
            // pixel limits would join into a plan no single run gives.
            let described = plans.map { $0.settings.map { settings in
                let signing = settings.signed ? "signed" + (settings.secretFingerprint.map { " with secret \($0)" } ?? "") : "unsigned"
                return "\(settings.decisions), \(signing), as of \(settings.asOf ?? "the manifest")"
                    + (settings.maxPixels.map { ", --max-pixels \($0)" } ?? "")
                    + (settings.avifEffort.map { ", --avif-effort \($0)" } ?? "")
            } ?? "unrecorded" }
            let settings = Set(described)
            guard settings.count == 1 else {
                // Each set of options with the shards planned with it (it named none, so the
                // shard to plan again had to be found by hand).
                let groups = settings.sorted().map { options in
                    let members = plans.indices.filter { described[$0] == options }
                    return "\(options): \(Wording.listed(members.map(name), limit: 5))"
                }
                throw EngineError(.invalidArgument, "the shards were planned with different options (\(groups.joined(separator: "; "))): "
                                    + "plan every shard with the same options")
            }
        } else {
            // One whole plan "merged" is itself, which hides that a shard plan was meant.
            let whole = plans.indices.filter { plans[$0].shard == nil }.map(name)
            throw EngineError(.invalidArgument, "only shard plans (made with --shard) can be merged"
                                + "; whole plans: \(Wording.listed(whole, limit: 10))")
        }
        // A shard file cut short or edited by hand no longer adds up to its own summary: an
        // asset left out would silently be missing from the merged plan.
        for (i, plan) in plans.enumerated() where plan.summary != PlanSummary(assets: plan.assets) {
            throw EngineError(.invalidArgument, "\(name(i)): its summary counts \(plan.summary.assets) assets but it holds \(plan.assets.count)"
                                + (plan.summary.assets == plan.assets.count ? " whose totals differ" : "")
                                + ": the file is incomplete or was edited; plan that shard again")
        }
        var assets: [PlannedAsset] = []
        var seen: [String: Int] = [:]
        for (i, plan) in plans.enumerated() {
            for asset in plan.assets {
                // Where the two copies are: one file twice was said to be "more than one plan".
                if let first = seen[asset.id] {
                    throw EngineError(.invalidArgument, first == i ? "asset \(asset.id) appears twice in \(name(i))"
                                        : "asset \(asset.id) appears in both \(name(first)) and \(name(i))")
                }
                seen[asset.id] = i
                assets.append(asset)
            }
        }
        assets.sort { $0.id < $1.id }
        var merged = first
        merged.shard = nil
        merged.assets = assets
        merged.summary = PlanSummary(assets: assets)
        return merged
    }
}
