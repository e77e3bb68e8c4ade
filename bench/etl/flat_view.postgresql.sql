SELECT a.nome AS nome_associado, a.sobrenome AS sobrenome_associado, a.idade AS idade_associado,
  m.vlr_transacao::text AS vlr_transacao_movimento, m.des_transacao AS des_transacao_movimento,
  to_char(m.data_movimento, 'YYYY-MM-DD HH24:MI:SS') AS data_movimento,
  concat(repeat('*', greatest(char_length(c.num_cartao) - 4, 0)), right(c.num_cartao, 4)) AS numero_cartao,
  c.nom_impresso AS nome_impresso_cartao,
  to_char(c.data_criacao, 'YYYY-MM-DD HH24:MI:SS') AS data_criacao_cartao,
  co.tipo AS tipo_conta, to_char(co.data_criacao, 'YYYY-MM-DD HH24:MI:SS') AS data_criacao_conta
FROM movimento m
JOIN cartao c ON m.id_cartao = c.id
JOIN conta co ON c.id_conta = co.id
JOIN associado a ON co.id_associado = a.id
ORDER BY m.data_movimento, m.id
