-- Hand-written source rows for the ETL's edge cases, valid in PostgreSQL and in MySQL/MariaDB
-- (the MySQL session runs with NO_BACKSLASH_ESCAPES so a backslash is an ordinary character in
-- both). Timestamps fall in America/Sao_Paulo daylight-saving gaps and overlaps on purpose.
INSERT INTO associado (id, nome, sobrenome, idade, email) VALUES
  (1, 'José', 'D''Ávila', 34, NULL),
  (2, '  Ana  ', 'Sá;Souza', 90, 'ana@example.com'),
  (3, 'Zoë 😀', 'O"Brien, Jr.', 18, NULL),
  (4, 'Sem', 'Conta', 40, NULL);
INSERT INTO conta (id, tipo, data_criacao, id_associado) VALUES
  (10, 'CC', '2018-11-04 00:30:00', 1),
  (11, 'CP', '2019-02-16 23:30:00', 2),
  (12, 'CC', '2020-01-01 00:00:00', 3);
INSERT INTO cartao (id, num_cartao, nom_impresso, data_criacao, id_conta, id_associado) VALUES
  (100, '4111111111111111', 'JOSE D AVILA', '2018-11-04 00:00:00', 10, 1),
  (101, '5500000000000004', 'ANA SA', '2019-02-16 23:59:59', 11, 2),
  (102, '123', 'Z\O', '2020-01-01 00:00:01', 12, 3),
  (103, '6062825624254001', 'ANA ADICIONAL', '2018-11-04 00:15:00', 10, 2);
INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao) VALUES
  (1000, -50.00, 'Estorno "Mercado" São João', '2018-11-04 00:30:00', 100),
  (1001, 99999999.99, 'Loja, Centro; Filial', '2018-11-04 00:30:00', 103),
  (1002, 0.01, 'linha1
linha2', '2019-02-16 23:30:00', 101),
  (1003, 12.34, 'C:\temp\ "x"', '2019-02-16 23:30:00', 101),
  (1004, -0.50, '  espaços  ', '2020-03-01 12:00:00', 102),
  (1005, 7.00, 'emoji 🎉 pagamento', '2017-10-15 00:00:00', 102),
  (1006, 1.00, 'crreturn', '2019-06-01 08:00:00', 100),
  (1008, 5.55, '', '2021-12-31 23:59:59', 103);
