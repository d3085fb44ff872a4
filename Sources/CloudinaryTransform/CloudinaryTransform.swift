// The Cloudinary transformation language; see Transformation.swift.
