extension TransformationParser {
    mutating func checkValue(
        _ key: ParameterKey, _ value: Bytes, valueOffset: Int, parameterOffset: Int, facts: inout ComponentFacts
    ) {
    }

    mutating func checkVariableDeclaration(
        name: Bytes, key: String, value: Bytes, valueOffset: Int, parameterOffset: Int, facts: inout ComponentFacts
    ) {
    }

    mutating func checkCombinations(_ facts: inout ComponentFacts) {
    }
}
