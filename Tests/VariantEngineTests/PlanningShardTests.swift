import Foundation
import Testing
@testable import VariantEngine

@Suite("Planning: shards and merge")
struct PlanningShardTests {
    @Test("shards partition the assets deterministically, whatever the manifest order")
    func partition() {
        let ids = (0..<200).map { "campaign/asset-\($0)" }
        for count in [1, 2, 3, 7] {
            let shards = ids.map { Sharding.shard(of: $0, count: count) }
            #expect(shards.allSatisfy { (1...count).contains($0) })
            #expect(Set(shards).count == count, "every shard gets some of 200 assets")
        }
        // The partition is the documented one (the first 8 bytes of the public id's SHA-256, big
        // endian, modulo N, plus 1), so another build or a runner in another language puts each
        // asset in the same shard; these values are Python's hashlib.
        #expect(Sharding.shard(of: "summer-2026/hero-lake", count: 4) == 4)
        #expect(Sharding.shard(of: "campaign/asset-0", count: 3) == 2)
        #expect(Sharding.shard(of: "campaign/asset-1", count: 7) == 7)
        #expect(Sharding.shard(of: "campaign/asset-2", count: 2) == 1)
        #expect(Sharding.shard(of: "campaign/asset-2", count: 1) == 1)
    }

    @Test("shard plans merged are byte for byte the single run's plan")
    func mergeEqualsSingleRun() async throws {
        let folder = try PlanningFixture.folder(with: PlanningFixture.smallImages)
        defer { try? FileManager.default.removeItem(at: folder) }
        var manifest = PlanningFixture.manifest()
        manifest.assets[0].overrides = [AssetOverride(locale: "fr-FR", text: TextOverlay(text: "Bonjour"))]
        manifest.assets[1].approval = "pending"
        let cache = folder.appendingPathComponent("cache.sqlite")
        let single = try await PlanningFixture.plan(manifest, in: folder, options: PlanningFixture.options(cache: cache)).plan

        var shards: [Plan] = []
        for index in [3, 1, 2] {
            var options = PlanningFixture.options()
            options.shard = PlanShard(index: index, count: 3)
            options.jobs = 1
            let plan = try await PlanningFixture.plan(manifest, in: folder, options: options).plan
            #expect(plan.shard == PlanShard(index: index, count: 3))
            // Round-trip through the file format, as shards on other machines would.
            shards.append(try JSONDecoder().decode(Plan.self, from: PlanJSON.encode(plan)))
        }
        #expect(shards.map(\.assets.count).reduce(0, +) == single.assets.count)
        #expect(shards.allSatisfy { !$0.assets.isEmpty } || single.assets.count < 3)
        // Overrides stay with their asset.
        let overrideShard = shards.firstIndex { $0.assets.contains { $0.id == "test/people-astronaut@fr-FR" } }
        let baseShard = shards.firstIndex { $0.assets.contains { $0.id == "test/people-astronaut" } }
        #expect(overrideShard == baseShard)

        let merged = try Sharding.merge(shards)
        #expect(try PlanJSON.encode(merged) == PlanJSON.encode(single))
    }

    @Test("merge refuses a missing shard, a duplicate shard, shards planned with other options, a broken shard field, and plans of different manifests")
    func mergeRefuses() async throws {
        let folder = try PlanningFixture.folder(with: ["people-astronaut.jpg", "animal-cat-closeup.jpg"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = PlanningFixture.manifest(images: ["people-astronaut.jpg", "animal-cat-closeup.jpg"])
        func shard(_ index: Int, _ count: Int, _ m: CampaignManifest) async throws -> Plan {
            var options = PlanningFixture.options()
            options.shard = PlanShard(index: index, count: count)
            return try await PlanningFixture.plan(m, in: folder, options: options).plan
        }
        let one = try await shard(1, 2, manifest)
        let two = try await shard(2, 2, manifest)
        let alone = #expect(throws: EngineError.self) { try Sharding.merge([one]) }
        #expect(alone?.message == "shard(s) 2/2 missing")
        let twice = #expect(throws: EngineError.self) { try Sharding.merge([one, one]) }
        #expect(twice?.message == "shard(s) 1/2 given more than once")
        let named = #expect(throws: EngineError.self) { try Sharding.merge([one, two, one], names: ["a.json", "b.json", "c.json"]) }
        #expect(named?.message == "shard(s) 1/2 (a.json, c.json) given more than once")
        // An asset twice: in one file, or in two (found in QA: one file was "more than one plan").
        var doubled = one
        doubled.assets += doubled.assets
        doubled.summary = PlanSummary(assets: doubled.assets)
        let inOne = #expect(throws: EngineError.self) { try Sharding.merge([doubled, two], names: ["a.json", "b.json"]) }
        #expect(inOne?.message.hasSuffix("appears twice in a.json") == true, "\(String(describing: inOne))")
        var moved = two
        moved.assets += one.assets
        moved.summary = PlanSummary(assets: moved.assets)
        let inTwo = #expect(throws: EngineError.self) { try Sharding.merge([one, moved], names: ["a.json", "b.json"]) }
        #expect(inTwo?.message.hasSuffix("appears in both a.json and b.json") == true, "\(String(describing: inTwo))")
        // Shards planned with other options (signed URLs, another --now) do not join.
        var signedOptions = PlanningFixture.options()
        signedOptions.shard = PlanShard(index: 2, count: 2)
        signedOptions.apiSecret = "secret"
        let signedTwo = try await PlanningFixture.plan(manifest, in: folder, options: signedOptions).plan
        #expect(signedTwo.settings?.signed == true && one.settings?.signed == false)
        let mixed = #expect(throws: EngineError.self) { try Sharding.merge([one, signedTwo]) }
        #expect(mixed?.message.contains("planned with different options") == true, "\(String(describing: mixed))")
        // Signed with another secret: the fingerprints differ, and the secret is not in the plan.
        var otherSecretOptions = signedOptions
        otherSecretOptions.shard = PlanShard(index: 1, count: 2)
        otherSecretOptions.apiSecret = "another secret"
        let otherSecretOne = try await PlanningFixture.plan(manifest, in: folder, options: otherSecretOptions).plan
        let secrets = #expect(throws: EngineError.self) { try Sharding.merge([otherSecretOne, signedTwo]) }
        #expect(secrets?.message.contains("signed with secret") == true, "\(String(describing: secrets))")
        #expect(signedTwo.settings?.secretFingerprint?.count == 12)
        let written = String(decoding: try JSONEncoder().encode(signedTwo), as: UTF8.self)
        #expect(!written.contains("secret\""), "the secret itself must not be written")
        otherSecretOptions.apiSecret = "secret"
        let sameSecretOne = try await PlanningFixture.plan(manifest, in: folder, options: otherSecretOptions).plan
        #expect(throws: Never.self) { try Sharding.merge([sameSecretOne, signedTwo]) }
        // Decided at another AVIF effort: its AVIF sizes and qualities differ.
        var effortTwo = two
        effortTwo.settings?.avifEffort = 4
        let efforts = #expect(throws: EngineError.self) { try Sharding.merge([one, effortTwo]) }
        #expect(efforts?.message.contains("--avif-effort 4") == true, "\(String(describing: efforts))")
        var dated = two
        dated.settings?.asOf = "2026-01-01"
        #expect(throws: EngineError.self) { try Sharding.merge([one, dated]) }
        // Planned on different days (a job that runs past midnight): no entry has a rights
        // expiry date, so the day changed nothing, is not recorded, and the shards merge.
        var nextDay = PlanningFixture.options()
        nextDay.shard = PlanShard(index: 2, count: 2)
        nextDay.asOf = "2099-12-31"
        let twoNextDay = try await PlanningFixture.plan(manifest, in: folder, options: nextDay).plan
        #expect(twoNextDay.settings?.asOf == nil && one.settings?.asOf == nil)
        #expect(try PlanJSON.encode(Sharding.merge([one, twoNextDay])) == PlanJSON.encode(Sharding.merge([one, two])))
        // Shards of two builds of the engine may have decided differently.
        var otherBuild = two
        otherBuild.engineVersion = "0.1.0+0000000000000000"
        let builds = #expect(throws: EngineError.self) { try Sharding.merge([one, otherBuild], names: ["a.json", "b.json"]) }
        #expect(builds?.message == "the plans come from engine versions \(variantEngineBuild) (a.json) and 0.1.0+0000000000000000 (b.json)")
        // A shard field edited to nonsense, or a split too large to list, gives a message, not a trap.
        var zero = one
        zero.shard = PlanShard(index: 1, count: 0)
        let broken = #expect(throws: EngineError.self) { try Sharding.merge([zero, two]) }
        #expect(broken?.message.contains("shard 1/0") == true)
        var huge = one
        huge.shard = PlanShard(index: 1, count: 100_000_000)
        let many = #expect(throws: EngineError.self) { try Sharding.merge([huge]) }
        #expect(many?.message == "shard(s) 2/100000000, 3/100000000, 4/100000000, 5/100000000, 6/100000000, 7/100000000, "
                + "8/100000000, 9/100000000, 10/100000000, 11/100000000 and 99999989 more missing")
        var other = manifest
        other.campaign = "other"
        let otherTwo = try await shard(2, 2, other)
        #expect(throws: EngineError.self) { try Sharding.merge([one, otherTwo]) }
        #expect(throws: Never.self) { try Sharding.merge([two, one]) }
        // A whole plan is not a shard: alone or beside shards, it is refused.
        var whole = one
        whole.shard = nil
        // Alone it was not named (found in QA).
        let notShard = #expect(throws: EngineError.self) { try Sharding.merge([whole], names: ["full.json"]) }
        #expect(notShard?.message == "only shard plans (made with --shard) can be merged; whole plans: full.json")
        let mixedKinds = #expect(throws: EngineError.self) { try Sharding.merge([whole, two], names: ["all.json", "two.json"]) }
        #expect(mixedKinds?.message.hasSuffix("; whole plans: all.json") == true, "\(mixedKinds?.message ?? "")")
        #expect(PlanShard(parsing: "2/3") == PlanShard(index: 2, count: 3))
        #expect(PlanShard(parsing: "0/3") == nil && PlanShard(parsing: "4/3") == nil && PlanShard(parsing: "x") == nil)
        // Found in QA: empty parts were dropped, so 1//3 was 1/3.
        #expect(PlanShard(parsing: "1//3") == nil && PlanShard(parsing: "1///3") == nil && PlanShard(parsing: "/1/3") == nil)
    }
}
