/*
 * BiClient.java: what a Java BI tool (DBeaver, Tableau, report servers) does
 * with escalation over JDBC, on the driver Debian packages: read the columns'
 * metadata, run a query whose filter values are bound with setString, read
 * the values with getString and getObject. Used by
 * test/scripts/67_bi_clients.py; compiled there with javac, no build tool.
 *
 *   java -cp /usr/share/java/postgresql.jar:DIR BiClient URL USER PASSWORD < commands
 *
 * One command a line, fields separated by tabs:
 *   columns SCHEMA TABLE        one line per column: name, JDBC type number,
 *                               type name, remarks (DatabaseMetaData.getColumns)
 *   query SQL [VALUE...]        the values bound with setString; a line
 *                               "columns" with label:typeName:typeNumber:class
 *                               per column, then one line "row" per row with
 *                               getString of each column and the class of
 *                               getObject, or one line "error SQLSTATE message"
 * Each answer ends with a line "end".
 */
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

public final class BiClient {
	private BiClient() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length != 3) {
			System.err.println("usage: BiClient URL USER PASSWORD < commands");
			System.exit(2);
		}
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		try (Connection conn = DriverManager.getConnection(args[0], args[1], args[2])) {
			String line;
			while ((line = in.readLine()) != null) {
				if (line.isEmpty()) {
					continue;
				}
				String[] f = line.split("\t", -1);
				try {
					if (f[0].equals("columns") && f.length == 3) {
						columns(conn.getMetaData(), f[1], f[2]);
					} else if (f[0].equals("query") && f.length >= 2) {
						query(conn, f);
					} else {
						System.out.println("error - unknown command: " + line);
					}
				} catch (SQLException e) {
					System.out.println("error " + e.getSQLState() + " " + firstLine(e.getMessage()));
				}
				System.out.println("end");
				System.out.flush();
			}
		}
	}

	/* The columns of a table as the driver describes them to a tool. */
	private static void columns(DatabaseMetaData meta, String schema, String table) throws SQLException {
		try (ResultSet rs = meta.getColumns(null, schema, table, null)) {
			while (rs.next()) {
				System.out.println(String.join("\t", "column", rs.getString("COLUMN_NAME"),
					Integer.toString(rs.getInt("DATA_TYPE")), rs.getString("TYPE_NAME"),
					String.valueOf(rs.getString("REMARKS"))));
			}
		}
	}

	/* A prepared query with its values bound as strings, as a tool's filter binds them. */
	private static void query(Connection conn, String[] f) throws SQLException {
		try (PreparedStatement ps = conn.prepareStatement(f[1])) {
			for (int i = 2; i < f.length; i++) {
				ps.setString(i - 1, f[i]);
			}
			try (ResultSet rs = ps.executeQuery()) {
				ResultSetMetaData md = rs.getMetaData();
				List<String> out = new ArrayList<>();
				out.add("columns");
				for (int c = 1; c <= md.getColumnCount(); c++) {
					out.add(md.getColumnLabel(c) + ":" + md.getColumnTypeName(c) + ":" + md.getColumnType(c)
						+ ":" + md.getColumnClassName(c));
				}
				System.out.println(String.join("\t", out));
				while (rs.next()) {
					out.clear();
					out.add("row");
					for (int c = 1; c <= md.getColumnCount(); c++) {
						Object o = rs.getObject(c);
						out.add(rs.getString(c) + ":" + (o == null ? "null" : o.getClass().getName()));
					}
					System.out.println(String.join("\t", out));
				}
			}
		}
	}

	private static String firstLine(String s) {
		int nl = s == null ? -1 : s.indexOf('\n');
		return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
	}
}
