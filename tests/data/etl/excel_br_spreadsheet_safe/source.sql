-- Text cells that a spreadsheet would run as a formula (OWASP: a first character of =, +, -, @,
-- tab or carriage return), with --spreadsheet-safe: they get a leading ', other cells and the
-- amounts (a '-' there is a sign) stay as they are. Tab and carriage return are literal characters.
INSERT INTO associado (id, nome, sobrenome, idade, email) VALUES
  (1, '=Ana', '+Lima', 30, NULL),
  (2, '@Bruno', 'Costa', 45, NULL),
  (3, 'Carla', '-Dias', 50, NULL);
INSERT INTO conta (id, tipo, data_criacao, id_associado) VALUES
  (10, 'CC', '2020-01-01 09:00:00', 1),
  (20, 'CP', '2021-06-15 18:30:00', 2),
  (30, 'CC', '2022-03-03 03:03:03', 3);
INSERT INTO cartao (id, num_cartao, nom_impresso, data_criacao, id_conta, id_associado) VALUES
  (100, '4000000000000002', '=HYPERLINK("x")', '2020-01-02 10:00:00', 10, 1),
  (200, '5100000000000008', 'BRUNO COSTA', '2021-06-16 08:00:00', 20, 2),
  (300, '6000000000000001', 'CARLA DIAS', '2022-03-04 00:00:00', 30, 3);
INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao) VALUES
  (1, -50.00, '=SUM(A1:A2)', '2024-05-01 10:00:01', 100),
  (2, 10.00, '+55 11 9999-0000', '2024-05-01 10:00:02', 100),
  (3, -0.01, '-10%', '2024-05-01 10:00:03', 200),
  (4, 12.00, '@cmd', '2024-05-01 10:00:04', 200),
  (5, 13.00, '	tab first', '2024-05-01 10:00:05', 300),
  (6, 14.00, 'cr first', '2024-05-01 10:00:06', 300),
  (7, 15.00, 'a=b', '2024-05-01 10:00:07', 300),
  (8, 16.00, ' =space first', '2024-05-01 10:00:08', 100),
  (9, 17.00, '', '2024-05-01 10:00:09', 200),
  (10, 18.00, '''already quoted', '2024-05-01 10:00:10', 300);
