# The skill catalogue, inventories and assessments arrive with the skills issue.
