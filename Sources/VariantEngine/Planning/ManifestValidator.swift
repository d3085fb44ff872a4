import CloudinaryTransform
import Foundation

/// The checks a decoded manifest must pass before anything is planned. Every problem is
/// collected (not only the first), each with its path inside the manifest.
enum ManifestValidator {
    /// Widths Cloudinary delivers (its default maximum side for image transformations is far larger;
    /// 8192 keeps plans honest for web placements).
    static let widthRange = 1...8192
    static let formats = ["avif", "webp", "jpeg", "png"]
    static let qualityLevels = ["best", "good", "eco", "low"]

    static func validate(_ manifest: CampaignManifest) -> [ManifestError.Issue] {
        var issues: [ManifestError.Issue] = []
        func fail(_ path: String, _ code: String, _ message: String) {
            issues.append(.init(path: path, code: code, message: message))
        }
        func fail(_ path: String, _ message: String) { fail(path, "invalid-value", message) }

        if manifest.campaign.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            fail("campaign", "a campaign name is required")
        }
        if manifest.cloudName.isEmpty || !manifest.cloudName.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            fail("cloudName", ManifestError.expected("a Cloudinary cloud name (letters, digits, - and _)", for: "cloudName",
                                                     received: "\"\(manifest.cloudName)\""))
        }
        if let asOf = manifest.policy?.asOf, PolicyDate.parse(asOf) == nil {
            fail("policy.asOf", ManifestError.expected("a date YYYY-MM-DD", for: "asOf", received: "\"\(asOf)\""))
        }
        for (key, list) in [("regions", manifest.policy?.regions), ("blockedTags", manifest.policy?.blockedTags)] {
            for (k, value) in (list ?? []).enumerated() where value.trimmingCharacters(in: .whitespaces).isEmpty {
                fail(ManifestPath.join(ManifestPath.join("policy", key), k), "an empty name")
            }
        }
        if let maxBytes = manifest.policy?.maxBytes, maxBytes <= 0 {
            fail("policy.maxBytes", ManifestError.expected("a positive number of bytes", for: "maxBytes", received: "\(maxBytes)"))
        }

        if manifest.placements.isEmpty { fail("placements", "at least one placement is required") }
        var placementNames: [String: Int] = [:]
        for (i, placement) in manifest.placements.enumerated() {
            let path = ManifestPath.join("placements", i)
            if !isName(placement.name) {
                fail(ManifestPath.join(path, "name"), ManifestError.expected("a name of letters, digits, - and _", for: "name",
                                                                            received: "\"\(placement.name)\""))
            } else if let first = placementNames[placement.name] {
                fail(ManifestPath.join(path, "name"), "duplicate",
                     "placement '\(placement.name)' is already defined at placements[\(first)]")
            } else {
                placementNames[placement.name] = i
            }
            if let ratio = AspectRatio(parsing: placement.aspectRatio) {
                // The widest web banners are about 20:1 (970×50); 100000:1 planned 1 px high crops.
                if !(1.0 / 25...25).contains(ratio.value) {
                    fail(ManifestPath.join(path, "aspectRatio"),
                         ManifestError.expected("a ratio from 1:25 to 25:1", for: "aspectRatio", received: "\"\(placement.aspectRatio)\""))
                }
            } else {
                fail(ManifestPath.join(path, "aspectRatio"),
                     ManifestError.expected("W:H or a decimal (e.g. 16:9, 1.5)", for: "aspectRatio", received: "\"\(placement.aspectRatio)\"")
                        + AspectRatio.wholeNumberHint(placement.aspectRatio))
            }
            switch (placement.widths, placement.breakpoints) {
            case (nil, nil):
                fail(path, "missing-key", "give either 'widths' or 'breakpoints'")
            case (.some, .some):
                fail(ManifestPath.join(path, "breakpoints"), "give either 'widths' or 'breakpoints', not both")
            case (.some(let widths), nil):
                if widths.isEmpty { fail(ManifestPath.join(path, "widths"), "at least one width is required") }
                for (k, width) in widths.enumerated() where !widthRange.contains(width) {
                    fail(ManifestPath.join(ManifestPath.join(path, "widths"), k),
                         ManifestError.expected("a width in \(widthRange.lowerBound)...\(widthRange.upperBound)", for: "widths",
                                                received: "\(width)"))
                }
                // Listed twice, planned once: the srcset and the counts would not be what was written.
                // Only widths in range: an out-of-range one is reported above, and a value of the
                // wrong type stands in as 0 ("widths": ["800", 0] called 0 a repeat of "800").
                for (k, width) in widths.enumerated() where widthRange.contains(width) && widths[..<k].contains(width) {
                    fail(ManifestPath.join(ManifestPath.join(path, "widths"), k), "duplicate",
                         "width \(width) is already widths[\(widths.firstIndex(of: width)!)]")
                }
            case (nil, .some(let range)):
                let rangePath = ManifestPath.join(path, "breakpoints")
                if !widthRange.contains(range.minWidth) || !widthRange.contains(range.maxWidth) || range.minWidth > range.maxWidth {
                    fail(rangePath, ManifestError.expected("1 <= minWidth <= maxWidth <= \(widthRange.upperBound)",
                                                           for: "breakpoints",
                                                           received: "minWidth \(range.minWidth), maxWidth \(range.maxWidth)"))
                }
                if !(1...20).contains(range.count) {
                    fail(ManifestPath.join(rangePath, "count"),
                         ManifestError.expected("a count in 1...20", for: "count", received: "\(range.count)"))
                } else if widthRange.contains(range.minWidth), widthRange.contains(range.maxWidth), range.minWidth <= range.maxWidth,
                          range.widths.count < range.count {
                    // Steps rounded to whole tens can fall together: the plan would have fewer
                    // widths than the manifest asks for, without a word.
                    fail(ManifestPath.join(rangePath, "count"),
                         "\(range.count) steps from \(range.minWidth) to \(range.maxWidth), rounded to tens, give only "
                            + "\(range.widths.count) different widths (\(range.widths.map(String.init).joined(separator: ", "))): "
                            + (range.largestDistinctCount.map { count in
                                let widths = BreakpointRange(minWidth: range.minWidth, maxWidth: range.maxWidth, count: count).widths
                                return "ask for \(count) (\(widths.map(String.init).joined(separator: ", "))), list the widths, or widen the range"
                            } ?? "list the widths, or widen the range"))
                }
            }
            if let formats = placement.formats {
                if formats.isEmpty { fail(ManifestPath.join(path, "formats"), "at least one format is required") }
                for (k, format) in formats.enumerated() {
                    // Listed twice, decided once, as widths are (known formats only, as widths).
                    if Self.formats.contains(format), let first = formats.firstIndex(of: format), first < k {
                        fail(ManifestPath.join(ManifestPath.join(path, "formats"), k), "duplicate",
                             "format \(format) is already formats[\(first)]")
                    }
                }
                for (k, format) in formats.enumerated() where !Self.formats.contains(format) {
                    var message = ManifestError.expected("one of \(Self.formats.joined(separator: ", "))", for: "formats",
                                                         received: "\"\(format)\"")
                    if format == "jpg" { message += "; did you mean 'jpeg'?" }
                    fail(ManifestPath.join(ManifestPath.join(path, "formats"), k), message)
                }
            }
            if let quality = placement.quality, !qualityLevels.contains(quality) {
                var message = ManifestError.expected("one of \(qualityLevels.joined(separator: ", "))", for: "quality",
                                                     received: "\"\(quality)\"")
                if let s = Suggest.closest(to: quality, among: qualityLevels) { message += "; did you mean '\(s)'?" }
                fail(ManifestPath.join(path, "quality"), message)
            }
            for (key, value) in [("byteBudget", placement.byteBudget), ("minSourceWidth", placement.minSourceWidth),
                                 ("minSourceHeight", placement.minSourceHeight)] {
                if let value, value <= 0 {
                    fail(ManifestPath.join(path, key), ManifestError.expected("a positive integer", for: key, received: "\(value)"))
                }
            }
        }

        // The plan is of image variants of stored assets: a video or raw resource type, or a
        // delivery type such as fetch, would give URLs of another asset or none at all.
        if let type = manifest.resourceType, type != "image" {
            fail("resourceType", ManifestError.expected("image (the engine plans images)", for: "resourceType", received: "\"\(type)\""))
        }
        if let type = manifest.deliveryType, !CampaignManifest.deliveryTypes.contains(type) {
            fail("deliveryType", ManifestError.expected("one of \(CampaignManifest.deliveryTypes.joined(separator: ", "))",
                                                        for: "deliveryType", received: "\"\(type)\""))
        }

        if manifest.assets.isEmpty { fail("assets", "at least one asset is required") }
        var publicIds: [String: Int] = [:]
        // Which file each public id is delivered from: a swapping override may reuse a public id
        // (another asset's, or its own asset's) only with the same file, or two plan entries would
        // deliver different pictures under one Cloudinary id.
        var files: [String: (place: String, path: String)] = [:]
        for (i, asset) in manifest.assets.enumerated() where publicIdProblem(asset.publicId) == nil && files[asset.publicId] == nil {
            files[asset.publicId] = (ManifestPath.join("assets", i), asset.path)
        }
        // What each plan entry is called: a public id, or public id@locale/region for an override.
        var entryIds: [String: String] = [:]
        let knownPlacements = manifest.placements.map(\.name)
        for (i, asset) in manifest.assets.enumerated() {
            let path = ManifestPath.join("assets", i)
            if let problem = publicIdProblem(asset.publicId) {
                fail(ManifestPath.join(path, "publicId"), problem)
            } else if let first = publicIds[asset.publicId] {
                fail(ManifestPath.join(path, "publicId"), "duplicate", "public id '\(asset.publicId)' is already used by assets[\(first)]")
            } else {
                publicIds[asset.publicId] = i
                if let other = entryIds[asset.publicId] {
                    fail(ManifestPath.join(path, "publicId"), "duplicate", "'\(asset.publicId)' is already the plan entry of \(other)")
                }
                entryIds[asset.publicId] = path
            }
            if asset.path.isEmpty { fail(ManifestPath.join(path, "path"), "a local path is required") }
            if let problem = Self.filePathProblem(asset.path) { fail(ManifestPath.join(path, "path"), problem) }
            if let resource = asset.cloudinary {
                issues += CloudinaryResourceValidator.issues(resource, asset: asset, manifest: manifest,
                                                             path: ManifestPath.join(path, "cloudinary"))
            }
            approval(asset.approval, path: ManifestPath.join(path, "approval"), fail: { fail($0, $1, $2) })
            if asset.placements?.isEmpty == true {
                fail(ManifestPath.join(path, "placements"),
                     "an empty list places the asset nowhere; name its placements, or leave the key out for all of them")
            }
            for (k, name) in (asset.placements ?? []).enumerated() {
                let placementPath = ManifestPath.join(ManifestPath.join(path, "placements"), k)
                if !knownPlacements.contains(name) {
                    var message = "no placement is named '\(name)'"
                    if let s = Suggest.closest(to: name, among: knownPlacements) { message += "; did you mean '\(s)'?" }
                    fail(placementPath, message)
                } else if let first = asset.placements?.firstIndex(of: name), first < k {
                    fail(placementPath, "duplicate", "placement '\(name)' is already placements[\(first)]")
                }
            }
            // Locale and region tags are read without regard to case (BCP 47): `de-DE` and
            // `de-de` are one market, so two overrides of them are two texts for it.
            var overrideKeys: [String: Int] = [:]
            for (j, override) in (asset.overrides ?? []).enumerated() {
                let overridePath = ManifestPath.join(ManifestPath.join(path, "overrides"), j)
                for (key, value) in [("locale", override.locale), ("region", override.region)] {
                    // Part of the plan entry's id (`publicId@de-DE/EU`): a '/' or '@' in one would
                    // make ids ambiguous, markup or spaces would travel into the plan's ids.
                    if let value, !isLocaleOrRegion(value) {
                        fail(ManifestPath.join(overridePath, key),
                             ManifestError.expected("1 to 35 letters, digits, - and _ (e.g. de-DE, en_GB, EU)", for: key,
                                                    received: "\"\(value)\""))
                    }
                }
                if override.locale == nil && override.region == nil {
                    fail(overridePath, "missing-key", "an override needs a 'locale', a 'region' or both")
                } else if let first = overrideKeys[override.key.lowercased()] {
                    let earlier = asset.overrides?[first].key ?? override.key
                    fail(overridePath, "duplicate", "'\(override.key)' is already overridden at overrides[\(first)]"
                         + (earlier == override.key ? "" : " (as '\(earlier)': locales and regions are the same in any case)"))
                } else {
                    overrideKeys[override.key.lowercased()] = j
                    let entry = asset.publicId + "@" + override.key
                    if let other = entryIds[entry] {
                        fail(overridePath, "duplicate", "its plan entry '\(entry)' is also that of \(other); rename one of them")
                    }
                    entryIds[entry] = overridePath
                }
                if let file = override.path, let problem = Self.filePathProblem(file) {
                    fail(ManifestPath.join(overridePath, "path"), problem)
                }
                if (override.publicId == nil) != (override.path == nil) {
                    fail(overridePath, "missing-key", "swapping the asset needs both 'publicId' and 'path'")
                }
                if let id = override.publicId, let problem = publicIdProblem(id) {
                    fail(ManifestPath.join(overridePath, "publicId"), problem)
                } else if let id = override.publicId, let file = override.path, !file.isEmpty {
                    if let other = files[id], !sameFile(other.path, file) {
                        fail(ManifestPath.join(overridePath, "publicId"), "duplicate",
                             "public id '\(id)' is already used by \(other.place) with the file '\(other.path)', not '\(file)'; "
                                + "one public id delivers one picture: give this override its own public id")
                    } else if files[id] == nil {
                        files[id] = (overridePath, file)
                    }
                }
                if override.publicId == nil && override.text == nil {
                    fail(overridePath, "missing-key", "an override swaps the asset ('publicId' and 'path') or adds 'text'")
                }
                approval(override.approval, path: ManifestPath.join(overridePath, "approval"), fail: { fail($0, $1, $2) })
                if let text = override.text {
                    let textPath = ManifestPath.join(overridePath, "text")
                    if text.text.isEmpty { fail(ManifestPath.join(textPath, "text"), "the overlay text is empty") }
                    if let size = text.relativeSize, !(size > 0 && size <= 0.5) {
                        fail(ManifestPath.join(textPath, "relativeSize"),
                             ManifestError.expected("a share of the width in (0, 0.5]", for: "relativeSize", received: "\(size)"))
                    }
                    if let gravity = text.gravity, !TextOverlay.gravities.contains(gravity) {
                        fail(ManifestPath.join(textPath, "gravity"),
                             ManifestError.expected("one of \(TextOverlay.gravities.joined(separator: ", "))", for: "gravity",
                                                    received: "\"\(gravity)\""))
                    }
                    if let control = text.text.unicodeScalars.first(where: { $0.properties.generalCategory == .control && $0 != "\n" }) {
                        fail(ManifestPath.join(textPath, "text"),
                             "the overlay text holds the control character U+\(String(format: "%04X", control.value)); "
                                + "only a line break (\\n) may be in it")
                    }
                    if let font = text.font, TextOverlay.fontProblem(font) {
                        fail(ManifestPath.join(textPath, "font"),
                             ManifestError.expected("a font family of ASCII letters, digits, spaces, - and . (Arial, Times New Roman)",
                                                    for: "font", received: "\"\(font)\""))
                    }
                    if let color = text.color, TextOverlay.colorValue(color) == nil {
                        let lower = color.lowercased()
                        let hint = lower != color && TextOverlay.colorValue(lower) != nil ? " (colour names are lower case: \(lower))" : ""
                        fail(ManifestPath.join(textPath, "color"),
                             ManifestError.expected("a colour name (white, black, …) or 3, 4, 6 or 8 hex digits (ff0000, #ff0000, rgb:ff0000)",
                                                    for: "color", received: "\"\(color)\"") + hint)
                    }
                }
            }
        }
        return issues
    }

    static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// A locale ("de-DE", "en_GB") or a region ("EU", "APAC"): ASCII letters, digits, '-' (BCP 47)
    /// and '_' (POSIX locales), at most 35 characters (the room RFC 5646 section 4.4.1 asks for).
    static func isLocaleOrRegion(_ text: String) -> Bool {
        text.count <= 35 && isName(text)
    }

    /// Whether two manifest paths name the same file as written: "./a.jpg" and "a.jpg" do; the
    /// manifest's folder is not known here, so "../x/a.jpg" and "a.jpg" are compared as written.
    static func sameFile(_ a: String, _ b: String) -> Bool {
        func parts(_ path: String) -> [Substring] {
            (path.hasPrefix("/") ? ["/"] : []) + path.split(separator: "/").filter { $0 != "." }
        }
        return parts(a) == parts(b)
    }

    /// A control character, or one that reorders the text around it (the bidirectional marks,
    /// embeddings, overrides and isolates): in a public id or a file name it only disguises it
    /// (found in QA: `bidi/\u{202E}gnp.exe` showed as "bidi/exe.png", and a file name with one
    /// reversed the report's line about the asset).
    static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || scalar.reordersText || [0x061C, 0x200E, 0x200F].contains(scalar.value)
    }

    /// `text` with its hidden characters written out (`\u{202e}`).
    static func shown(_ text: String) -> String {
        text.unicodeScalars.map { isHidden($0) ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
    }

    /// A file path with a control or bidirectional character: no file system name holds a NUL
    /// (the asset was reported unreadable, and the NUL written raw into the report), the other
    /// controls are a terminal's, not a file's, and the bidirectional ones disguise the name.
    static func filePathProblem(_ path: String) -> String? {
        guard path.unicodeScalars.contains(where: isHidden) else { return nil }
        return ManifestError.expected("a file path without control or bidirectional characters", for: "path", received: "\"\(shown(path))\"")
    }

    static func publicIdProblem(_ id: String) -> String? {
        if id.isEmpty { return "a public id is required" }
        if id.hasPrefix("/") || id.hasSuffix("/") || id.contains("//") {
            return ManifestError.expected("a public id without empty folder names", for: "publicId", received: "\"\(id)\"")
        }
        if id.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }) {
            // A client normalises "a/../b" to "b": the URL would name another asset.
            return ManifestError.expected("a public id without . or .. folder names", for: "publicId", received: "\"\(id)\"")
        }
        if id.unicodeScalars.contains(where: isHidden) {
            // An escape sequence in an id retitled and cleared the terminal through the progress
            // line, and went into the URL as %1B.
            return ManifestError.expected("a public id without control or bidirectional characters", for: "publicId",
                                          received: "\"\(shown(id))\"")
        }
        if id.contains(where: { $0.isWhitespace || "?#&\\%<>+".contains($0) }) {
            return ManifestError.expected("a public id without spaces or ? # & \\ % < > +", for: "publicId", received: "\"\(id)\"")
        }
        return nil
    }

    static func approval(_ value: String?, path: String, fail: (String, String, String) -> Void) {
        guard let value, !CampaignAsset.approvalStates.contains(value) else { return }
        fail(path, "invalid-value", ManifestError.expected("one of \(CampaignAsset.approvalStates.joined(separator: ", "))",
                                                           for: "approval", received: "\"\(value)\""))
    }
}
