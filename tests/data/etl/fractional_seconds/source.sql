-- Timestamps with microseconds (PostgreSQL keeps them; a MariaDB DATETIME column rounds them away, so
-- this case is PostgreSQL's only). The file shows whole seconds, truncated, never rounded up, and
-- rows equal to the microsecond are ordered by id.
INSERT INTO associado (id, nome, sobrenome, idade, email) VALUES
  (1, 'Fernanda', 'Frações', 50, NULL);
INSERT INTO conta (id, tipo, data_criacao, id_associado) VALUES
  (1, 'CP', '2023-12-31 23:59:59.999999', 1);
INSERT INTO cartao (id, num_cartao, nom_impresso, data_criacao, id_conta, id_associado) VALUES
  (1, '1234567890123456', 'FERNANDA F', '2024-01-01 00:00:00.000001', 1, 1);
INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao) VALUES
  (8004, 4.00, 'mov 8004', '2024-03-10 12:00:00.999999', 1),
  (8003, 3.00, 'mov 8003', '2024-03-10 12:00:00.000001', 1),
  (8002, 2.00, 'mov 8002', '2024-03-10 12:00:00.000001', 1),
  (8001, 1.00, 'mov 8001', '2024-03-10 12:00:00', 1),
  (8005, 5.00, 'mov 8005', '2024-03-10 12:00:01.000001', 1),
  (8000, 0.50, 'mov 8000', '2024-03-10 11:59:59.999999', 1);
