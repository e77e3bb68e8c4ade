-- The LIMIT changes no row: it keeps the ORDER BY when Spark's JDBC reader wraps this query in a
-- derived table, where MariaDB otherwise drops the ordering.
SELECT a.nome AS nome_associado, a.sobrenome AS sobrenome_associado, a.idade AS idade_associado,
  CAST(m.vlr_transacao AS CHAR) AS vlr_transacao_movimento, m.des_transacao AS des_transacao_movimento,
  DATE_FORMAT(m.data_movimento, '%Y-%m-%d %H:%i:%s') AS data_movimento,
  CONCAT(REPEAT('*', GREATEST(CHAR_LENGTH(c.num_cartao) - 4, 0)), RIGHT(c.num_cartao, 4)) AS numero_cartao,
  c.nom_impresso AS nome_impresso_cartao,
  DATE_FORMAT(c.data_criacao, '%Y-%m-%d %H:%i:%s') AS data_criacao_cartao,
  co.tipo AS tipo_conta, DATE_FORMAT(co.data_criacao, '%Y-%m-%d %H:%i:%s') AS data_criacao_conta
FROM movimento m
JOIN cartao c ON m.id_cartao = c.id
JOIN conta co ON c.id_conta = co.id
JOIN associado a ON co.id_associado = a.id
ORDER BY m.data_movimento, m.id
LIMIT 18446744073709551615
