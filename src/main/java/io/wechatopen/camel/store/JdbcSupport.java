package io.wechatopen.camel.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

/** Transactions, queries with row mappers and the portable upsert shared by the {@code Jdbc*} stores. */
final class JdbcSupport {

    /**
     * Deadlocks, serialization failures and a row inserted concurrently roll the whole transaction back; it is safe
     * to run it again.
     */
    private static final int MAX_ATTEMPTS = 5;

    private JdbcSupport() {
    }

    /** Work done on a connection, inside a transaction or not. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Binds the parameters of a prepared statement. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** Turns the current row of a result set into a value; it must not move the cursor. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    /**
     * Runs {@code work} on one connection in autocommit mode.
     *
     * @throws StoreException naming {@code operation} when an SQLException occurs
     */
    static <T> T read(DataSource dataSource, String operation, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw failure(operation, e);
        }
    }

    /**
     * Runs {@code work} in one READ COMMITTED transaction: commit when it returns, rollback when it throws. A
     * deadlock or serialization failure (SQLState class 40), or a row inserted concurrently (see
     * {@link #updateOrInsert}), runs it again, up to five times in all. The connection's autocommit and isolation are
     * restored before it goes back to the pool.
     *
     * @throws StoreException naming {@code operation} when an SQLException occurs; nothing is committed then
     * @throws RuntimeException thrown by {@code work}, after the rollback
     */
    static <T> T inTransaction(DataSource dataSource, String operation, SqlWork<T> work) {
        for (int attempt = 1;; attempt++) {
            try {
                return attempt(dataSource, work);
            } catch (SQLException e) {
                if (attempt < MAX_ATTEMPTS && (e instanceof ConcurrentInsertException || isTransient(e))) {
                    continue;
                }
                throw failure(operation, e);
            }
        }
    }

    private static <T> T attempt(DataSource dataSource, SqlWork<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            int isolation = connection.getTransactionIsolation();
            // Isolation can only change outside a transaction; MariaDB's default REPEATABLE READ would add gap locks.
            if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
            connection.setAutoCommit(false);
            Throwable failure = null;
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                failure = e;
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            } finally {
                restore(connection, autoCommit, isolation, failure);
            }
        }
    }

    /** Restores the connection's settings; a failure to do so never hides the exception that ended the work. */
    private static void restore(Connection connection, boolean autoCommit, int isolation, Throwable failure)
            throws SQLException {
        try {
            connection.setAutoCommit(autoCommit);
            if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                connection.setTransactionIsolation(isolation);
            }
        } catch (SQLException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }

    /**
     * Portable upsert of one row: runs {@code update}; when it changed no row and {@code exists} finds the row, runs
     * {@code update} again (the row may have been committed between the two); when the row does not exist, runs
     * {@code insert}. When that insert violates a unique key another transaction inserted the row meanwhile: the
     * whole transaction is then rolled back and run again by {@link #inTransaction}, and takes the update path.
     *
     * @return true when {@code update} or {@code insert} changed the row; false when the row exists and
     *         {@code update}'s condition excludes it
     */
    static boolean updateOrInsert(Connection connection, String updateSql, Binder update, String existsSql,
            Binder exists, String insertSql, Binder insert) throws SQLException {
        if (execute(connection, updateSql, update) > 0) {
            return true;
        }
        if (exists(connection, existsSql, exists)) {
            return execute(connection, updateSql, update) > 0;
        }
        insertOrRerun(connection, insertSql, insert);
        return true;
    }

    /**
     * Inserts a row that the transaction found absent. When the insert violates a unique key another transaction
     * inserted the row meanwhile: the whole transaction is then rolled back and run again by {@link #inTransaction},
     * and finds the row.
     */
    static void insertOrRerun(Connection connection, String insertSql, Binder insert) throws SQLException {
        try {
            execute(connection, insertSql, insert);
        } catch (SQLException e) {
            if (isIntegrityViolation(e)) {
                // Not a savepoint and a second update: InnoDB keeps the shared lock of the failed insert until the
                // transaction ends, and two transactions upgrading such locks deadlock.
                throw new ConcurrentInsertException(e);
            }
            throw e;
        }
    }

    /**
     * Runs a query and maps its first row; further rows are not read. Locks taken by the query ({@code FOR UPDATE})
     * are held until the transaction of {@code connection} ends.
     *
     * @return the mapped first row; empty when there is none or {@code mapper} returns null
     */
    static <T> Optional<T> queryOne(Connection connection, String sql, Binder binder, RowMapper<T> mapper)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.ofNullable(mapper.map(rs)) : Optional.empty();
            }
        }
    }

    /**
     * Runs a query and maps every row, in the order the database returns them.
     *
     * @return a mutable list, empty when there is no row
     */
    static <T> List<T> queryList(Connection connection, String sql, Binder binder, RowMapper<T> mapper)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            try (ResultSet rs = statement.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            }
        }
    }

    /** Runs a {@code SELECT COUNT(*) ...} query: the first column of its one row. */
    static long queryCount(Connection connection, String sql, Binder binder) throws SQLException {
        return queryOne(connection, sql, binder, rs -> rs.getLong(1))
                .orElseThrow(() -> new SQLException("a COUNT query returned no row"));
    }

    /** Whether the query finds a row. */
    static boolean exists(Connection connection, String sql, Binder binder) throws SQLException {
        return queryOne(connection, sql, binder, rs -> Boolean.TRUE).isPresent();
    }

    static int execute(Connection connection, String sql, Binder binder) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            return statement.executeUpdate();
        }
    }

    /** Binds a string that may be null. */
    static void setNullableString(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }

    /** Binds epoch milliseconds of an instant that may be null. */
    static void setNullableMillis(PreparedStatement statement, int index, Instant value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value.toEpochMilli());
        }
    }

    /** Reads epoch milliseconds as an instant; null when the column is NULL. */
    static Instant getNullableMillis(ResultSet rs, int index) throws SQLException {
        long millis = rs.getLong(index);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    /** SQLState class 23: a unique, primary key or other integrity constraint was violated. */
    static boolean isIntegrityViolation(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }

    private static boolean isTransient(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("40");
    }

    /** The row an upsert was about to insert was inserted by another transaction; this one must run again. */
    private static final class ConcurrentInsertException extends SQLException {

        private static final long serialVersionUID = 1L;

        ConcurrentInsertException(SQLException cause) {
            super("row inserted by a concurrent transaction", cause.getSQLState(), cause.getErrorCode(), cause);
        }
    }

    /** Names the operation and the SQLState only: driver messages may quote parameters. */
    static StoreException failure(String operation, SQLException e) {
        return new StoreException(operation + " failed (SQLState " + e.getSQLState() + ")", e);
    }
}
