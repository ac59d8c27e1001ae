from django.urls import path

from .views import agreement, employer, reviewer, student, termination

app_name = "contracts"
urlpatterns = [
    # 签约解约 (employers)
    path("employer/signing/", employer.signing_list, name="employer_list"),
    path("employer/signing/students/add/", employer.add_student, name="add_student"),
    path("employer/signing/favorites/<int:pk>/remove/", employer.favorite_remove, name="favorite_remove"),
    path("employer/signing/favorites/<int:favorite_pk>/invite/", employer.invite, name="invite"),
    path("employer/signing/<int:pk>/", employer.detail, name="employer_detail"),
    path("employer/signing/<int:pk>/withdraw/", employer.withdraw, name="withdraw"),
    path("employer/signing/<int:pk>/reinvite/", employer.reinvite, name="reinvite"),
    path("employer/signing/<int:pk>/terminate/", termination.employer_request, name="employer_terminate"),
    path("employer/signing/<int:pk>/termination/answer/", termination.employer_answer, name="employer_termination_answer"),
    # 就业协议书 (the three parties)
    path("contracts/<int:pk>/agreement.pdf", agreement.agreement_pdf, name="agreement_pdf"),
    path("contracts/<int:pk>/termination/<int:request_pk>/letter/", termination.letter, name="termination_letter"),
    # 我的邀请 (students)
    path("student/invitations/", student.invitations, name="student_invitations"),
    path("student/invitations/<int:pk>/", student.invitation_detail, name="student_detail"),
    path("student/invitations/<int:pk>/accept/", student.accept, name="student_accept"),
    path("student/invitations/<int:pk>/refuse/", student.refuse, name="student_refuse"),
    path("student/contract/<int:pk>/terminate/", termination.student_request, name="student_terminate"),
    path("student/contract/<int:pk>/termination/answer/", termination.student_answer, name="student_termination_answer"),
    # 待审核 / 已审核 (college and school reviewers)
    path("school/review/", reviewer.queue, name="review_queue"),
    path("school/review/done/", reviewer.history, name="review_history"),
    path("school/review/batch-approve/", reviewer.batch_approve, name="review_batch_approve"),
    path("school/review/<int:pk>/", reviewer.detail, name="review_detail"),
    path("school/review/<int:pk>/id-number/", reviewer.reveal_id_number, name="review_id_number"),
    path("school/review/<int:pk>/approve/", reviewer.approve, name="review_approve"),
    path("school/review/<int:pk>/reject/", reviewer.reject, name="review_reject"),
    # 解约审核 (school reviewers)
    path("school/termination/", termination.queue, name="termination_queue"),
    path("school/termination/done/", termination.history, name="termination_history"),
    path("school/termination/<int:pk>/review/", termination.review, name="termination_review"),
]
