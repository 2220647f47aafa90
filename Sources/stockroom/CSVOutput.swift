import StockroomCore

/// Prints rows as CSV with a header line.
func printCSV(_ header: [String], _ rows: [[String]]) {
    print(CSVText.document(header: header, rows: rows), terminator: "")
}
